package dev.trilog.compare.driver;

import dev.trilog.compare.workload.Workload;

/**
 * A protocol's driver pointed at a peer system: the same client and workload, reported under its
 * own name ({@code kafka@kafka}, {@code amqp091@rabbitmq}, {@code sqs@sqs}) so the report puts
 * Trilog's figures and the peer's side by side.
 */
public final class PeerDriver implements Driver {

    private final Driver driver;
    private final String series;

    public PeerDriver(Driver driver, String series) {
        this.driver = driver;
        this.series = series;
    }

    @Override
    public String protocol() {
        return series;
    }

    @Override
    public String client() {
        return driver.client();
    }

    @Override
    public Topology prepare(Workload workload, String id) throws Exception {
        return driver.prepare(workload, id);
    }

    @Override
    public Publisher publisher(Topology topology, int index) throws Exception {
        return driver.publisher(topology, index);
    }

    @Override
    public Subscriber subscriber(Topology topology, int reader, int index) throws Exception {
        return driver.subscriber(topology, reader, index);
    }

    @Override
    public void cleanup(Topology topology) {
        driver.cleanup(topology);
    }

    @Override
    public SemanticsProbe semantics() {
        return driver.semantics();
    }

    @Override
    public void close() {
        driver.close();
    }
}

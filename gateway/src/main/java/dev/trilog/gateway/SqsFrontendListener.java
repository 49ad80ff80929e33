package dev.trilog.gateway;

import dev.trilog.gateway.config.GatewayConfig;
import dev.trilog.gateway.config.ListenAddress;
import dev.trilog.sqs.SqsFrontend;
import dev.trilog.sqs.SqsSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/** The SQS frontend as a gateway listener: {@code sqs.port}, both SQS wire protocols. */
final class SqsFrontendListener implements Frontend {

    private final ListenAddress address;
    private final SqsFrontend frontend;
    private InetSocketAddress bound;

    private SqsFrontendListener(ListenAddress address, SqsFrontend frontend) {
        this.address = address;
        this.frontend = frontend;
    }

    static Frontend create(FrontendContext context) {
        GatewayConfig config = context.config();
        ListenAddress address = config.sqs();
        GatewayConfig.SqsApi api = config.sqsApi();
        SqsSettings settings = new SqsSettings(address.host(), address.port(),
                api.host().isEmpty() ? null : api.host(), api.accountId(), api.region(), api.accessKeys());
        try {
            return new SqsFrontendListener(address, SqsFrontend.create(settings, context.engine(),
                    context.queueLayer().topology(), context.queueLayer().queues()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the SQS queue metadata", e);
        }
    }

    @Override
    public String name() {
        return "sqs";
    }

    @Override
    public ListenAddress address() {
        return address;
    }

    @Override
    public void start() throws IOException {
        bound = frontend.start();
    }

    @Override
    public InetSocketAddress boundAddress() {
        return bound;
    }

    @Override
    public void close() {
        frontend.close();
    }
}

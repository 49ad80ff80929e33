package dev.trilog.compat;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency arrows of README.md's module table as a build check: gateway → frontends → frontend SPI →
 * routing → log-engine, never the other way; the gateway knows the frontends only through the
 * SPI; no frontend reaching into another. Maven's module graph already stops most wrong imports;
 * this catches the ones a careless pom edit allows.
 */
class LayeringTest {

    private static JavaClasses trilog;

    @BeforeAll
    static void importTrilogClasses() {
        trilog = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.trilog");
    }

    @Test
    void logEngineKnowsNoProtocolAndNoRouting() {
        noClasses().that().resideInAPackage("dev.trilog.log..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.trilog.routing..", "dev.trilog.frontend..", "dev.trilog.kafka..",
                        "dev.trilog.amqp..", "dev.trilog.sqs..", "dev.trilog.gateway..",
                        "io.netty..", "io.undertow..", "org.apache.qpid..")
                .check(trilog);
    }

    @Test
    void routingKnowsNoWireFormat() {
        noClasses().that().resideInAPackage("dev.trilog.routing..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.trilog.frontend..", "dev.trilog.kafka..", "dev.trilog.amqp..",
                        "dev.trilog.sqs..", "dev.trilog.gateway..", "io.netty..", "io.undertow..",
                        "org.apache.qpid..", "org.apache.kafka.common.message..",
                        "org.apache.kafka.common.requests..",
                        // records go through log-engine's RecordFormat, the one adapter for Kafka's internals
                        "org.apache.kafka.common.record.internal..")
                .check(trilog);
    }

    /**
     * Replication plugs in behind the append seam: it knows the log engine only, and no module but
     * the gateway (which picks the appender) knows it.
     */
    @Test
    void replicationSitsBehindTheAppendSeam() {
        noClasses().that().resideInAPackage("dev.trilog.replication..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.trilog.routing..", "dev.trilog.frontend..",
                        "dev.trilog.kafka..", "dev.trilog.amqp..", "dev.trilog.sqs..", "dev.trilog.gateway..")
                .check(trilog);
        noClasses().that().resideInAnyPackage("dev.trilog.log..", "dev.trilog.routing..", "dev.trilog.frontend..",
                        "dev.trilog.kafka..", "dev.trilog.amqp..", "dev.trilog.sqs..")
                .should().dependOnClassesThat().resideInAPackage("dev.trilog.replication..")
                .because("writers use LogAppender, whichever implementation the node runs")
                .check(trilog);
    }

    @Test
    void onlyTheAppendSeamWritesToAPartition() {
        DescribedPredicate<JavaMethodCall> partitionAppend = DescribedPredicate.describe(
                "an append method of PartitionLog", call -> call.getTargetOwner().getName()
                        .equals("dev.trilog.log.PartitionLog") && call.getName().startsWith("append"));
        noClasses().that().doNotHaveFullyQualifiedName("dev.trilog.log.LocalLogAppender")
                .and().doNotHaveFullyQualifiedName("dev.trilog.log.PartitionLog")
                .should().callMethodWhere(partitionAppend)
                .because("every write passes through LogAppender, where replication plugs in")
                .check(trilog);
    }

    @Test
    void kafkasRecordInternalsAreImportedByOneAdapterPerModule() {
        // Kafka calls these classes non-public and moved them in 4.3: an upgrade that moves them
        // again must break in one place per module
        // (test-support builds lying batches for tests and ships nowhere)
        noClasses().that().resideOutsideOfPackages("dev.trilog.log.record", "dev.trilog.kafka.records",
                        "dev.trilog.testsupport..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.kafka.common.record.internal..")
                .check(trilog);
    }

    /**
     * The RabbitMQ Java client's implementation classes ({@code com.rabbitmq.client.impl}, not
     * its public API) are used by one adapter, so a client upgrade that moves them breaks there.
     */
    @Test
    void rabbitMqClientInternalsAreImportedByOneAdapter() {
        // the adapter and its nested reader and writer (RabbitWire$Reader, RabbitWire$Writer)
        noClasses().that().haveNameNotMatching("dev\\.trilog\\.amqp\\.v091\\.codec\\.RabbitWire(\\$.*)?")
                .should().dependOnClassesThat().resideInAPackage("com.rabbitmq.client.impl..")
                .check(trilog);
    }

    @Test
    void theFrontendSpiKnowsNoProtocolAndNoGateway() {
        noClasses().that().resideInAPackage("dev.trilog.frontend..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.trilog.kafka..", "dev.trilog.amqp..", "dev.trilog.sqs..", "dev.trilog.gateway..",
                        "io.netty..", "io.undertow..", "org.apache.qpid..")
                .check(trilog);
    }

    /** Adding a protocol touches no gateway source: the gateway finds frontends by ServiceLoader. */
    @Test
    void theGatewayKnowsFrontendsOnlyThroughTheSpi() {
        noClasses().that().resideInAPackage("dev.trilog.gateway..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.trilog.kafka..", "dev.trilog.amqp..", "dev.trilog.sqs..")
                .check(trilog);
    }

    @Test
    void kafkaFrontendStaysInItsLane() {
        frontendMustNotReachInto("dev.trilog.kafka..", "dev.trilog.amqp..", "dev.trilog.sqs..");
    }

    @Test
    void amqpFrontendStaysInItsLane() {
        frontendMustNotReachInto("dev.trilog.amqp..", "dev.trilog.kafka..", "dev.trilog.sqs..");
    }

    @Test
    void sqsFrontendStaysInItsLane() {
        frontendMustNotReachInto("dev.trilog.sqs..", "dev.trilog.kafka..", "dev.trilog.amqp..");
    }

    /**
     * One rule places a Kafka class (protocol/, data/, group/, admin/, txn/, network/, records/):
     * families depend on protocol/, txn/ on group/, and nothing back.
     */
    @Test
    void kafkaFrontendPackagesAreFreeOfCycles() {
        slices().matching("dev.trilog.kafka.(*)..").should().beFreeOfCycles().check(trilog);
    }

    /**
     * One rule places a log-engine class: a concept package each (partition/, segment/, record/,
     * producer/, durability/, cleaner/, meta/, share/), depending on one another without cycles.
     * The root package is not a slice: it is the engine's API, which the concept packages use
     * (PartitionLog, LogConfig, Topic…), and the engine's assembly, which uses them.
     */
    @Test
    void logEnginePackagesAreFreeOfCycles() {
        slices().matching("dev.trilog.log.(*)..").should().beFreeOfCycles().check(trilog);
    }

    /**
     * The engine's parts are public only so the engine's root package can assemble them; the
     * other modules use its API (the root package, record/, share/, segment's records), never
     * its parts.
     */
    @Test
    void otherModulesUseTheLogEnginesApiNotItsParts() {
        noClasses().that().resideOutsideOfPackage("dev.trilog.log..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.trilog.log.partition..",
                        "dev.trilog.log.durability..", "dev.trilog.log.cleaner..", "dev.trilog.log.producer..",
                        "dev.trilog.log.meta..")
                .check(trilog);
    }

    /** The root package assembles the families (KafkaApis, KafkaServer, KafkaFrontend); none of them reaches back. */
    @Test
    void noKafkaFamilyDependsOnTheRootThatAssemblesThem() {
        noClasses().that().resideInAPackage("dev.trilog.kafka.*..")
                .should().dependOnClassesThat().resideInAPackage("dev.trilog.kafka")
                .check(trilog);
    }

    @Test
    void sqsFrontendPackagesAreFreeOfCycles() {
        // protocol (HTTP, codecs, errors) is the bottom: auth, message, queue and action use it
        slices().matching("dev.trilog.sqs.(*)..").should().beFreeOfCycles().check(trilog);
    }

    private static void frontendMustNotReachInto(String frontend, String... others) {
        String[] forbidden = new String[others.length + 1];
        System.arraycopy(others, 0, forbidden, 0, others.length);
        forbidden[others.length] = "dev.trilog.gateway..";
        noClasses().that().resideInAPackage(frontend)
                .should().dependOnClassesThat().resideInAnyPackage(forbidden)
                .allowEmptyShould(true)
                .check(trilog);
    }
}

package dev.trilog.compare.broker;

import java.util.List;

/**
 * What the report says about the broker under test.
 *
 * @param mode                 {@code child} (started by compare) or {@code target} (already running)
 * @param launch               how the child was started ({@code java -jar …}, or from the class path)
 * @param pid                  the broker's pid, or -1
 * @param requestedCores       {@code --broker-cores}
 * @param brokerCpus           CPUs the broker may run on, as the kernel reports it after start
 * @param loadGeneratorCpus    CPUs the load generator (this JVM) may run on, likewise
 * @param activeProcessorCount what the broker JVM was told it has (sizes its thread pools), or 0 when not set
 * @param pinning              one sentence: the pinning actually in force
 * @param jvmOptions           the broker JVM's options
 * @param dataDir              the broker's data directory
 */
public record BrokerInfo(String mode, String launch, long pid, int requestedCores, String brokerCpus,
                         String loadGeneratorCpus, int activeProcessorCount, String pinning,
                         List<String> jvmOptions, String dataDir) {
}

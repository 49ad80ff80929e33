package dev.trilog.compare.report;

import dev.trilog.compare.broker.BrokerInfo;
import dev.trilog.compare.run.RunResult;
import dev.trilog.compare.scenario.ScenarioResult;
import dev.trilog.compare.workload.Workload;
import java.util.List;

/**
 * Everything one {@code trilog compare} measured: {@code results.json} is this record.
 *
 * @param protocols        the series that ran: each protocol against Trilog, then {@code protocol@peer} for each peer
 * @param peers            the peer systems ({@code --peer}) the same workloads ran against, with how they ran
 * @param interrupted      true when Ctrl-C ended the run early (the figures are what was measured until then)
 * @param charts           chart files, relative to the results directory
 * @param profiles         where the broker's Java time went per run ({@code --profile}); empty otherwise
 */
public record Results(String tool, String startedAt, String finishedAt, boolean quick, boolean interrupted,
                      MachineFacts machine, double loadAverageAtEnd, BrokerInfo broker, List<String> protocols,
                      List<BrokerInfo> peers, List<Workload> workloads, List<RunResult> runs,
                      List<ScenarioResult> scenarios, List<String> charts, List<JfrProfile.RunProfile> profiles) {
}

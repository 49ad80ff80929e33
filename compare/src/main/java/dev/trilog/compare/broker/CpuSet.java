package dev.trilog.compare.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** A set of CPU numbers in Linux's list form, {@code 0-3,6}. */
public record CpuSet(List<Integer> cpus) {

    public CpuSet {
        cpus = List.copyOf(new TreeSet<>(cpus));
    }

    public static CpuSet parse(String list) {
        List<Integer> cpus = new ArrayList<>();
        for (String part : list.trim().split(",")) {
            if (part.isBlank()) {
                continue;
            }
            String[] range = part.trim().split("-");
            int from = Integer.parseInt(range[0].trim());
            int to = range.length > 1 ? Integer.parseInt(range[1].trim()) : from;
            for (int cpu = from; cpu <= to; cpu++) {
                cpus.add(cpu);
            }
        }
        return new CpuSet(cpus);
    }

    /** The CPUs a process may run on ({@code Cpus_allowed_list} in {@code /proc/<pid>/status}); empty when unknown. */
    public static CpuSet allowedFor(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return parse(line.substring("Cpus_allowed_list:".length()));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return new CpuSet(List.of());
    }

    public int size() {
        return cpus.size();
    }

    public boolean isEmpty() {
        return cpus.isEmpty();
    }

    public CpuSet first(int n) {
        return new CpuSet(cpus.subList(0, Math.min(n, cpus.size())));
    }

    public CpuSet without(CpuSet other) {
        List<Integer> rest = new ArrayList<>(cpus);
        rest.removeAll(other.cpus);
        return new CpuSet(rest);
    }

    /** {@code 0-3,6}. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < cpus.size()) {
            int j = i;
            while (j + 1 < cpus.size() && cpus.get(j + 1) == cpus.get(j) + 1) {
                j++;
            }
            parts.add(i == j ? cpus.get(i).toString() : cpus.get(i) + "-" + cpus.get(j));
            i = j + 1;
        }
        return parts.stream().collect(Collectors.joining(","));
    }
}

package org.siftfunnel.kernels.cpu.gemm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Counts physical cores: GEMM saturates the FMA units, so a second hardware thread on the same
 * core only adds contention. Reads {@code /proc/cpuinfo} (Linux) and never reports more than
 * the processors this JVM may use; elsewhere it falls back to that processor count.
 */
final class CpuTopology {

    private CpuTopology() {
    }

    static int physicalCores() {
        int available = Runtime.getRuntime().availableProcessors();
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            Set<String> cores = new HashSet<>();
            String physicalId = "0";
            for (String line : lines) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (key.equals("physical id")) {
                    physicalId = value;
                } else if (key.equals("core id")) {
                    cores.add(physicalId + "/" + value);
                }
            }
            return cores.isEmpty() ? available : Math.max(1, Math.min(available, cores.size()));
        } catch (IOException | RuntimeException e) {
            return available;
        }
    }
}

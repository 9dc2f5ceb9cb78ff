package org.siftfunnel.cli;

import java.util.List;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.BackendProvider;
import org.siftfunnel.engine.backend.Backends;

/**
 * {@code ./siftfunnel info}: the JVM, and every backend with whether it can run here; below a
 * usable backend, the details its provider gives ({@link BackendProvider#describeDevices()}: for
 * OpenCL every platform and device with its limits). An unusable backend gets one line, why.
 */
final class InfoCommand implements Command {
    @Override
    public String name() {
        return "info";
    }

    @Override
    public String summary() {
        return "list the backends, OpenCL platforms and devices (with their limits) and the runtime this machine offers";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of();
    }

    @Override
    public int run(Options options) {
        options.noPositional();
        System.out.println("java      " + System.getProperty("java.vm.name") + " " + Runtime.version());
        System.out.println("cpus      " + Runtime.getRuntime().availableProcessors() + " logical, "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB max heap");
        System.out.println("backends  (default: " + Backends.getDefault().name() + ")");
        for (BackendProvider p : Backends.providers()) {
            String reason = p.unavailableReason();
            if (reason != null) {
                System.out.printf("  %-10s unavailable: %s%n", p.name(), reason);
                continue;
            }
            Backend b = Backends.get(p.name());
            System.out.printf("  %-10s %s%n", p.name(), b.description());
            String details = p.describeDevices();
            if (details != null && !details.isBlank()) {
                for (String line : details.strip().split("\\R")) {
                    System.out.println("             " + line);
                }
            }
        }
        return 0;
    }
}

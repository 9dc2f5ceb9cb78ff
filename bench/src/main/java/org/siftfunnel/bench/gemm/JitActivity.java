package org.siftfunnel.bench.gemm;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Tells whether the JIT is still compiling, so that a benchmark does not start timing while
 * the vector kernels still run as interpreted or C1 code (a thousand times slower than C2's).
 * Asks HotSpot's compiler queue (the {@code jcmd Compiler.queue} diagnostic command) when the
 * JVM offers it, and otherwise whether the total compilation time moved since the last call,
 * which only notices finished compilations.
 */
final class JitActivity {

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final CompilationMXBean compilation = ManagementFactory.getCompilationMXBean();
    private ObjectName diagnostics;
    private long lastCompilationTime = -1;

    JitActivity() {
        try {
            ObjectName name = new ObjectName("com.sun.management:type=DiagnosticCommand");
            diagnostics = server.isRegistered(name) ? name : null;
        } catch (JMException e) {
            diagnostics = null;
        }
    }

    /** True while methods are being compiled or wait in a compile queue. */
    boolean busy() {
        if (diagnostics != null) {
            try {
                String queue = (String) server.invoke(diagnostics, "compilerQueue",
                        new Object[]{null}, new String[]{String[].class.getName()});
                return !queueIsIdle(queue);
            } catch (JMException | RuntimeException e) {
                diagnostics = null; // fall through to the compilation-time test from now on
            }
        }
        if (compilation == null || !compilation.isCompilationTimeMonitoringSupported()) {
            return false;
        }
        long total = compilation.getTotalCompilationTime();
        boolean moved = total != lastCompilationTime;
        lastCompilationTime = total;
        return moved;
    }

    /**
     * Parses the diagnostic command's output: a "Current compiles:" section (one line per
     * compiler thread at work) and one section per queue, each "Empty" when idle.
     */
    static boolean queueIsIdle(String queue) {
        boolean inCurrent = false;
        for (String line : queue.split("\n")) {
            String t = line.trim();
            if (t.startsWith("Current compiles")) {
                inCurrent = true;
            } else if (t.endsWith("compile queue:")) {
                inCurrent = false;
            } else if (!t.isEmpty() && !t.equals("Empty")) {
                return false; // a compile in progress (inCurrent) or a queued one
            }
        }
        return true;
    }
}

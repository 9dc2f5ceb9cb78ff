package org.siftfunnel.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of {@code ./siftfunnel}. Every command has {@code --help}; a user error prints
 * one line and exits with status 2; any other failure prints one line (the stack trace only
 * with {@code SIFTFUNNEL_DEBUG=1}) and exits with status 1.
 */
public final class Main {
    private Main() {
    }

    static Map<String, Command> commands() {
        Map<String, Command> m = new LinkedHashMap<>();
        for (Command c : List.of(new DemoCommand(), new EvaluateCommand(), new TrainCommand(), new InfoCommand(), new PredictCommand(), new ReportCommand())) {
            m.put(c.name(), c);
        }
        // Collaborative inference over the network (docs/deployment.md).
        for (Command c : List.of(new ExportCommand(), new ServeCommand(), new EdgeCommand(), new LoadtestCommand())) {
            m.put(c.name(), c);
        }
        return m;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command line and returns the exit status (testable without exiting the JVM). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, Command> commands = commands();
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            if (args.length > 1 && commands.containsKey(args[1])) {
                out.print(help(commands.get(args[1])));
            } else {
                out.print(overview(commands));
            }
            return 0;
        }
        Command cmd = commands.get(args[0]);
        if (cmd == null) {
            err.println("siftfunnel: unknown command '" + args[0] + "'; commands: test, " + String.join(", ", commands.keySet())
                    + " (./siftfunnel help)");
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
            out.print(help(cmd));
            return 0;
        }
        try {
            return cmd.run(Options.parse(cmd.name(), cmd.options(), rest));
        } catch (UsageException e) {
            err.println("siftfunnel " + e.getMessage());
            return 2;
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            err.println("siftfunnel " + cmd.name() + ": " + describe(e));
            if ("1".equals(System.getenv("SIFTFUNNEL_DEBUG"))) {
                e.printStackTrace(err);
            } else {
                err.println("(set SIFTFUNNEL_DEBUG=1 for the stack trace)");
            }
            return 1;
        }
    }

    private static String describe(Throwable e) {
        String msg = e.getMessage();
        if (e instanceof IllegalArgumentException || e instanceof java.io.IOException || e instanceof IllegalStateException) {
            return msg == null ? e.getClass().getSimpleName() : msg;
        }
        return e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }

    static String overview(Map<String, Command> commands) {
        StringBuilder sb = new StringBuilder();
        sb.append("siftfunnel: privacy-preserving collaborative inference (SiftFunnel) in pure Java\n\n");
        sb.append("usage: ./siftfunnel COMMAND [options]     (./siftfunnel COMMAND --help for its options)\n\n");
        sb.append("commands:\n");
        sb.append(String.format("  %-10s %s%n", "test", "run the whole test suite (mvn verify with JDK 25)"));
        sb.append(String.format("  %-10s %s%n", "bench", "quick benchmarks: bench gemm|conv|train (see bench/README.md)"));
        for (Command c : commands.values()) {
            sb.append(String.format("  %-10s %s%n", c.name(), c.summary()));
        }
        return sb.toString();
    }

    static String help(Command c) {
        return "usage: ./siftfunnel " + c.name() + " [options]\n\n" + c.description() + "\n\noptions:\n"
                + Options.describe(c.options()) + String.format("%-30s %s%n", "  --help", "show this help");
    }
}

package org.siftfunnel.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parsed options of one command. Unknown options, missing values and malformed numbers are
 * {@link UsageException}s that name the option and what was expected.
 */
public final class Options {
    private final String command;
    private final Map<String, OptionSpec> specs = new LinkedHashMap<>();
    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Options(String command, List<OptionSpec> specs) {
        this.command = command;
        for (OptionSpec s : specs) {
            this.specs.put(s.name(), s);
        }
    }

    /** Parses {@code args}; accepts {@code --name value} and {@code --name=value}. */
    public static Options parse(String command, List<OptionSpec> specs, String[] args) {
        Options o = new Options(command, specs);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--") && a.length() > 2) {
                String name = a.substring(2);
                String inline = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    inline = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                OptionSpec spec = o.specs.get(name);
                if (spec == null) {
                    throw new UsageException(command + ": unknown option --" + name + " (see ./siftfunnel " + command + " --help)");
                }
                if (spec.takesValue()) {
                    String v = inline;
                    if (v == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException(command + ": option --" + name + " needs a value (" + spec.valueName() + ")");
                        }
                        v = args[++i];
                    }
                    o.values.put(name, v);
                } else {
                    if (inline != null) {
                        throw new UsageException(command + ": option --" + name + " takes no value");
                    }
                    o.values.put(name, "true");
                }
            } else {
                o.positional.add(a);
            }
        }
        return o;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public boolean flag(String name) {
        return values.containsKey(name);
    }

    public String string(String name) {
        String v = values.get(name);
        if (v != null) {
            return v;
        }
        OptionSpec s = specs.get(name);
        return s == null ? null : s.defaultValue();
    }

    public String require(String name) {
        String v = string(name);
        if (v == null) {
            throw new UsageException(command + ": option --" + name + " is required");
        }
        return v;
    }

    public int integer(String name) {
        String v = require(name);
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " expects an integer, got '" + v + "'");
        }
    }

    public int positiveInteger(String name) {
        int v = integer(name);
        if (v <= 0) {
            throw new UsageException(command + ": --" + name + " must be positive, got " + v);
        }
        return v;
    }

    public long longValue(String name) {
        String v = require(name);
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " expects an integer, got '" + v + "'");
        }
    }

    public double number(String name) {
        String v = require(name);
        try {
            double d = Double.parseDouble(v.trim());
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " expects a number, got '" + v + "'");
        }
    }

    public Path path(String name) {
        String v = string(name);
        return v == null ? null : Path.of(v);
    }

    public List<String> positional() {
        return positional;
    }

    /** Fails if positional arguments were given to a command that takes none. */
    public void noPositional() {
        if (!positional.isEmpty()) {
            throw new UsageException(command + ": unexpected argument '" + positional.get(0) + "' (see ./siftfunnel " + command + " --help)");
        }
    }

    /** Help text listing every option with its default. */
    public static String describe(List<OptionSpec> specs) {
        StringBuilder sb = new StringBuilder();
        for (OptionSpec s : specs) {
            String left = "  --" + s.name() + (s.takesValue() ? " " + s.valueName() : "");
            sb.append(String.format("%-30s %s", left, s.help()));
            if (s.defaultValue() != null) {
                sb.append(" (default: ").append(s.defaultValue()).append(')');
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}

package org.siftfunnel.cli;

/**
 * One command-line option: {@code --name VALUE} when {@code valueName} is non-null, else a
 * boolean flag {@code --name}.
 */
public record OptionSpec(String name, String valueName, String defaultValue, String help) {

    public static OptionSpec flag(String name, String help) {
        return new OptionSpec(name, null, null, help);
    }

    public static OptionSpec value(String name, String valueName, String defaultValue, String help) {
        return new OptionSpec(name, valueName, defaultValue, help);
    }

    public boolean takesValue() {
        return valueName != null;
    }
}

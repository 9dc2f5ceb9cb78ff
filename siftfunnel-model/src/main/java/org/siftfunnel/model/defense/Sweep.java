package org.siftfunnel.model.defense;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.siftfunnel.model.train.Setting;
import org.siftfunnel.model.train.TrainSettings;

/**
 * One strength sweep, {@code DEFENSE.PARAMETER=V1,V2,...} as the {@code --sweep} option takes
 * it (e.g. {@code noise.sigma=0.2,0.5,0.8,1.5}): one {@link Variant} per value, named
 * {@code noise[sigma=0.5]}. Several {@code --sweep} options give their variants one after the
 * other ({@link #variants(List, TrainSettings)}); each sweep varies one parameter and keeps the
 * others at the base settings' values.
 *
 * @param defense   a name of {@link Defenses#NAMES}
 * @param parameter one of that defense's {@link Defenses#parameterSettings parameters}
 * @param values    the values, in the order given, without repeats
 */
public record Sweep(String defense, String parameter, List<Double> values) {
    /**
     * One point of a sweep.
     *
     * @param name      e.g. {@code noise[sigma=0.5]}, for results
     * @param defense   the defense's name
     * @param overrides the swept parameter's value (parameter name → value)
     * @param settings  the base settings with this defense and value applied: pass them to
     *                  {@link Defenses#create} (and, unless the defense only perturbs, to training)
     */
    public record Variant(String name, String defense, Map<String, Double> overrides, TrainSettings settings) {
        /** The defense this variant describes. */
        public Defense create() {
            return Defenses.create(settings);
        }
    }

    public Sweep {
        Objects.requireNonNull(defense, "Sweep: defense");
        Objects.requireNonNull(parameter, "Sweep: parameter");
        values = List.copyOf(values);
        String setting = settingFor(defense, parameter);
        if (values.isEmpty()) {
            throw new IllegalArgumentException("--sweep " + defense + "." + parameter + ": no values given");
        }
        Set<Double> seen = new LinkedHashSet<>();
        for (Double v : values) {
            if (v == null || !Double.isFinite(v)) {
                throw new IllegalArgumentException("--sweep " + defense + "." + parameter + ": values must be finite numbers, got " + v);
            }
            if (!seen.add(v)) {
                throw new IllegalArgumentException("--sweep " + defense + "." + parameter + ": value " + format(v) + " is given twice");
            }
            // The setting's own check (range, integer-ness) with the sweep named in the message.
            try {
                settingNamed(setting).setter().accept(new TrainSettings(), format(v));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--sweep " + defense + "." + parameter + "=" + format(v) + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Parses {@code DEFENSE.PARAMETER=V1,V2,...}; spaces around the parts are ignored.
     *
     * @throws IllegalArgumentException naming the problem: a missing {@code =} or {@code .}, an
     *                                  unknown defense or parameter (listing the known ones), a
     *                                  value that is not a number or is out of range, an empty or
     *                                  repeated value
     */
    public static Sweep parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("--sweep expects DEFENSE.PARAMETER=V1,V2,... (e.g. noise.sigma=0.2,0.5), got nothing");
        }
        int eq = spec.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("--sweep expects DEFENSE.PARAMETER=V1,V2,... (e.g. noise.sigma=0.2,0.5), got '"
                    + spec + "' (no '=')");
        }
        String key = spec.substring(0, eq).trim();
        int dot = key.indexOf('.');
        if (dot <= 0 || dot == key.length() - 1) {
            throw new IllegalArgumentException("--sweep '" + spec + "': expected DEFENSE.PARAMETER before '=' (e.g. noise.sigma), got '"
                    + key + "'");
        }
        String defense = key.substring(0, dot).trim();
        String parameter = key.substring(dot + 1).trim();
        settingFor(defense, parameter);
        String list = spec.substring(eq + 1);
        if (list.isBlank()) {
            throw new IllegalArgumentException("--sweep " + key + ": no values after '='");
        }
        List<Double> values = new ArrayList<>();
        for (String part : list.split(",", -1)) {
            String t = part.trim();
            if (t.isEmpty()) {
                throw new IllegalArgumentException("--sweep " + key + ": empty value in '" + list + "'");
            }
            double v;
            try {
                v = Double.parseDouble(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--sweep " + key + ": '" + t + "' is not a number");
            }
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("--sweep " + key + ": '" + t + "' is not a finite number");
            }
            values.add(v);
        }
        return new Sweep(defense, parameter, values);
    }

    /** Parses each {@code --sweep} value in order. */
    public static List<Sweep> parseAll(List<String> specs) {
        List<Sweep> out = new ArrayList<>();
        for (String s : specs) {
            out.add(parse(s));
        }
        return out;
    }

    /** The training setting this sweep changes (e.g. {@code noise-sigma}). */
    public String setting() {
        return settingFor(defense, parameter);
    }

    /** One variant per value: {@code base} with {@code --defense} and the swept setting changed. */
    public List<Variant> variants(TrainSettings base) {
        Objects.requireNonNull(base, "Sweep.variants: base settings");
        List<Variant> out = new ArrayList<>();
        for (double v : values) {
            TrainSettings s = copy(base);
            s.set("defense", defense);
            s.set(setting(), format(v));
            Map<String, Double> overrides = new LinkedHashMap<>();
            overrides.put(parameter, v);
            out.add(new Variant(defense + "[" + parameter + "=" + format(v) + "]", defense, Collections.unmodifiableMap(overrides), s));
        }
        return List.copyOf(out);
    }

    /**
     * The variants of several sweeps, one sweep after the other.
     *
     * @throws IllegalArgumentException when two sweeps produce a variant of the same name
     */
    public static List<Variant> variants(List<Sweep> sweeps, TrainSettings base) {
        List<Variant> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (Sweep sweep : sweeps) {
            for (Variant v : sweep.variants(base)) {
                if (!names.add(v.name())) {
                    throw new IllegalArgumentException("--sweep: variant " + v.name() + " appears twice");
                }
                out.add(v);
            }
        }
        return List.copyOf(out);
    }

    /**
     * A value as variant names show it: plain decimal, no trailing zeros ({@code 0.5},
     * {@code 1000}, {@code 0.0001}), so that {@code 1e3} and {@code 1000.0} name the same variant.
     */
    public static String format(double v) {
        if (v == 0) {
            return "0";
        }
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** An independent copy of every setting, keeping which ones were set explicitly. */
    static TrainSettings copy(TrainSettings base) {
        TrainSettings c = new TrainSettings();
        for (Setting s : TrainSettings.SETTINGS) {
            String value = String.valueOf(s.getter().apply(base));
            if (base.isSet(s.name())) {
                c.set(s.name(), value);
            } else {
                s.setter().accept(c, value);
            }
        }
        return c;
    }

    private static String settingFor(String defense, String parameter) {
        if (!Defenses.NAMES.contains(defense)) {
            throw new IllegalArgumentException("--sweep: unknown defense '" + defense + "'; known: " + String.join(", ", Defenses.NAMES));
        }
        Map<String, String> params = Defenses.parameterSettings(defense);
        String setting = params.get(parameter);
        if (setting == null) {
            throw new IllegalArgumentException("--sweep: defense '" + defense + "' has no parameter '" + parameter + "'; "
                    + (params.isEmpty() ? "it has none to sweep" : "its parameters: " + String.join(", ", params.keySet())));
        }
        return setting;
    }

    private static Setting settingNamed(String name) {
        for (Setting s : TrainSettings.SETTINGS) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalStateException("Sweep: no training setting '" + name + "'");
    }

    @Override
    public String toString() {
        List<String> v = new ArrayList<>();
        values.forEach(x -> v.add(format(x)));
        return defense + "." + parameter + "=" + String.join(",", v);
    }
}

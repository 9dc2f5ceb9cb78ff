package org.siftfunnel.model.train;

import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One training setting: its name (the CLI flag and the JSON key are the same), help text, and
 * how to read it from and write it (from text) into {@link TrainSettings}. One table of these
 * drives the command-line options, {@code --config} files and the resolved config a run writes.
 */
public record Setting(String name, String valueName, String help,
                      Function<TrainSettings, Object> getter, BiConsumer<TrainSettings, String> setter) {
}

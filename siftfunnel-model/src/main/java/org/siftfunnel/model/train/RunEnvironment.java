package org.siftfunnel.model.train;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import org.siftfunnel.engine.backend.Backend;

/**
 * The facts that make a run reproducible besides its settings: the code version (the git
 * commit the running code was built from, see {@link #buildCommit()}), the JDK, the backend
 * with its vector width and thread count, and the machine's processor count.
 */
public final class RunEnvironment {
    private RunEnvironment() {
    }

    public static Map<String, Object> describe(Backend backend) {
        Map<String, Object> m = new LinkedHashMap<>();
        String built = buildCommit();
        m.put("git_commit", built != null ? built : gitCommit());
        m.put("git_commit_source", built != null ? "build" : "checkout");
        m.put("jdk", System.getProperty("java.vm.vendor") + " " + Runtime.version());
        m.put("backend", backend.name());
        m.put("backend_description", backend.description());
        m.put("vector_width", System.getProperty("siftfunnel.vector.width", "auto"));
        m.put("threads", System.getProperty("siftfunnel.threads", "auto"));
        m.put("available_processors", Runtime.getRuntime().availableProcessors());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return m;
    }

    /** The running code's commit: {@link #buildCommit()}, else the checkout's {@link #gitCommit()} (as {@link #describe} reports it). */
    public static String codeCommit() {
        String built = buildCommit();
        return built != null ? built : gitCommit();
    }

    /** Where the build records its commit (written by {@code src/build/build-commit.sh}). */
    static final String BUILD_RESOURCE = "/siftfunnel-build.properties";

    /**
     * The commit the running code was built from, as the build wrote it into the jar: a hash,
     * with {@code -dirty} when tracked files had uncommitted changes, or {@code unknown} when the
     * build had no git. {@code null} when the classes carry no such record (e.g. compiled by an
     * IDE); {@link #describe} then falls back to the checkout's {@link #gitCommit()}. A frozen copy
     * of the jars run against another checkout thus still names its own code.
     */
    public static String buildCommit() {
        try (InputStream in = RunEnvironment.class.getResourceAsStream(BUILD_RESOURCE)) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            String c = p.getProperty("commit");
            return c == null || c.isBlank() ? null : c.strip();
        } catch (IOException e) {
            return null;
        }
    }

    /** The commit of the checkout at {@code siftfunnel.home} (set by the launcher) or the working directory. */
    public static String gitCommit() {
        String home = System.getProperty("siftfunnel.home", ".");
        try {
            Path git = Path.of(home, ".git");
            if (Files.isRegularFile(git)) {
                // A worktree: ".git" is a file "gitdir: PATH".
                String line = Files.readString(git).strip();
                if (line.startsWith("gitdir:")) {
                    git = Path.of(home).resolve(line.substring(7).strip());
                }
            }
            Path head = git.resolve("HEAD");
            if (!Files.isRegularFile(head)) {
                return "unknown";
            }
            String h = Files.readString(head).strip();
            if (!h.startsWith("ref:")) {
                return h;
            }
            String ref = h.substring(4).strip();
            for (Path dir : new Path[] {git, commonDir(git)}) {
                Path refFile = dir.resolve(ref);
                if (Files.isRegularFile(refFile)) {
                    return Files.readString(refFile).strip();
                }
                Path packed = dir.resolve("packed-refs");
                if (Files.isRegularFile(packed)) {
                    for (String line : Files.readAllLines(packed)) {
                        if (line.endsWith(" " + ref)) {
                            return line.substring(0, line.indexOf(' '));
                        }
                    }
                }
            }
            return "unknown";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static Path commonDir(Path git) throws IOException {
        Path common = git.resolve("commondir");
        return Files.isRegularFile(common) ? git.resolve(Files.readString(common).strip()).normalize() : git;
    }
}

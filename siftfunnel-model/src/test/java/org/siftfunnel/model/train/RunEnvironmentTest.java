package org.siftfunnel.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.siftfunnel.engine.backend.Backends;

/** Results name the commit the code was built from (the build writes it next to the classes). */
class RunEnvironmentTest {
    @Test
    void theBuildRecordsItsCommitAndRunsReportIt() {
        String built = RunEnvironment.buildCommit();
        assertNotNull(built, "the build should write " + RunEnvironment.BUILD_RESOURCE + " (siftfunnel-model/pom.xml)");
        assertTrue(built.matches("[0-9a-f]{40}(-dirty)?|unknown"), built);
        Map<String, Object> env = RunEnvironment.describe(Backends.getDefault());
        assertEquals(built, env.get("git_commit"));
        assertEquals("build", env.get("git_commit_source"));
    }
}

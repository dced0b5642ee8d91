package dev.openwork.host.tasks.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.health.HealthStatus;
import dev.openwork.host.api.tasks.TaskRuntime;
import java.util.Map;
import org.junit.Test;

public class TaskRuntimeHealthCheckTest {

    @Test
    public void noRuntimeIsCriticalAndRuntimesComeAndGo() {
        TaskRuntimeHealthCheck check = new TaskRuntimeHealthCheck();
        assertEquals(HealthStatus.CRITICAL, check.check().status());
        TaskRuntime shell = run -> new TaskRuntime.Outcome(true, 0, "ok");
        Map<String, Object> props = Map.of("service.id", 7L, TaskRuntime.NAME, "shell");
        check.addRuntime(shell, props);
        HealthCheckResult ok = check.check();
        assertEquals(HealthStatus.OK, ok.status());
        assertTrue(ok.cause(), ok.cause().contains("shell"));
        check.removeRuntime(shell, props);
        assertEquals(HealthStatus.CRITICAL, check.check().status());
    }
}

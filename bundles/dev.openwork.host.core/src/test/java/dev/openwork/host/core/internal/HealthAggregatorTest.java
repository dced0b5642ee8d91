package dev.openwork.host.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.health.HealthAction;
import dev.openwork.host.api.health.HealthActionInfo;
import dev.openwork.host.api.health.HealthActionResult;
import dev.openwork.host.api.health.HealthCheck;
import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.health.HealthReport;
import dev.openwork.host.api.health.HealthStatus;
import dev.openwork.host.api.host.HostInfo;
import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

public class HealthAggregatorTest {

    private static final long TIMEOUT_MILLIS = 200;
    private static final long ACTION_TIMEOUT_MILLIS = 300;
    private static final Instant STARTED = Instant.now().minusSeconds(42);

    private final HostInfo hostInfo = new HostInfo() {
        @Override
        public String version() {
            return "9.8.7";
        }

        @Override
        public Path dataDirectory() {
            return Path.of("/tmp/does-not-matter");
        }

        @Override
        public Instant startedAt() {
            return STARTED;
        }
    };

    private HealthAggregator aggregator;
    private long nextServiceId = 100;

    @Before
    public void setUp() {
        aggregator = new HealthAggregator(hostInfo, new HealthAggregator.Config() {
            @Override
            public long checkTimeoutMillis() {
                return TIMEOUT_MILLIS;
            }

            @Override
            public long actionTimeoutMillis() {
                return ACTION_TIMEOUT_MILLIS;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return HealthAggregator.Config.class;
            }
        });
    }

    @After
    public void tearDown() {
        aggregator.deactivate();
    }

    private Map<String, Object> props(String name) {
        Map<String, Object> props = new HashMap<>();
        props.put("service.id", nextServiceId++);
        if (name != null) {
            props.put(HealthCheck.NAME, name);
        }
        return props;
    }

    private Map<String, Object> register(String name, HealthCheck check) {
        Map<String, Object> props = props(name);
        aggregator.addCheck(check, props);
        return props;
    }

    private static HealthCheck fixed(HealthStatus status) {
        return () -> new HealthCheckResult("ignored", status, "status is " + status, null, Map.of("k", "v"));
    }

    private static Map<String, HealthCheckResult> byName(List<HealthCheckResult> results) {
        return results.stream().collect(Collectors.toMap(HealthCheckResult::name, r -> r));
    }

    @Test
    public void emptyReportIsOkAndCarriesHostFacts() {
        HealthReport report = aggregator.report();
        assertEquals(HealthStatus.OK, report.status());
        assertTrue(report.checks().isEmpty());
        assertEquals("9.8.7", report.version());
        assertEquals(STARTED, report.startedAt());
        assertTrue("uptime was " + report.uptimeSeconds(), report.uptimeSeconds() >= 42);
    }

    @Test
    public void overallStatusIsTheWorstOfTheChecks() {
        register("a", fixed(HealthStatus.OK));
        register("b", fixed(HealthStatus.WARNING));
        assertEquals(HealthStatus.WARNING, aggregator.report().status());

        register("c", fixed(HealthStatus.CRITICAL));
        assertEquals(HealthStatus.CRITICAL, aggregator.report().status());
    }

    @Test
    public void allOkGivesOk() {
        register("a", fixed(HealthStatus.OK));
        register("b", fixed(HealthStatus.OK));
        HealthReport report = aggregator.report();
        assertEquals(HealthStatus.OK, report.status());
        assertEquals(2, report.checks().size());
    }

    @Test
    public void resultsAreSortedByNameAndNamedAfterTheRegistration() {
        register("zeta", fixed(HealthStatus.OK));
        register("alpha", fixed(HealthStatus.WARNING));
        register("mid", fixed(HealthStatus.OK));
        List<HealthCheckResult> checks = aggregator.report().checks();
        assertEquals(List.of("alpha", "mid", "zeta"), checks.stream().map(HealthCheckResult::name).toList());
        // the result's own name ("ignored") is replaced by the registered name; the rest is kept
        assertEquals(HealthStatus.WARNING, checks.get(0).status());
        assertEquals("status is WARNING", checks.get(0).cause());
        assertEquals(Map.of("k", "v"), checks.get(0).details());
    }

    @Test
    public void aThrowingCheckIsCriticalWithACauseAndDoesNotHideTheOthers() {
        register("broken", () -> {
            throw new IllegalStateException("boom");
        });
        register("fine", fixed(HealthStatus.OK));
        HealthReport report = aggregator.report();
        assertEquals(HealthStatus.CRITICAL, report.status());
        Map<String, HealthCheckResult> results = byName(report.checks());
        assertEquals(2, results.size());
        HealthCheckResult broken = results.get("broken");
        assertEquals(HealthStatus.CRITICAL, broken.status());
        assertTrue(broken.cause(), broken.cause().contains("IllegalStateException"));
        assertNotNull(broken.action());
        assertEquals(HealthStatus.OK, results.get("fine").status());
    }

    @Test(timeout = 5000)
    public void aBlockingCheckIsCriticalWithinTheDeadline() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        register("slow", () -> {
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return HealthCheckResult.ok("slow", "late", null);
        });
        register("quick", fixed(HealthStatus.OK));
        try {
            long start = System.nanoTime();
            HealthReport report = aggregator.report();
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertTrue("report took " + elapsedMillis + " ms", elapsedMillis < 2000);
            assertTrue("report returned before the deadline: " + elapsedMillis + " ms", elapsedMillis >= TIMEOUT_MILLIS - 20);
            assertTrue("the slow check never started", entered.await(1, TimeUnit.SECONDS));
            Map<String, HealthCheckResult> results = byName(report.checks());
            HealthCheckResult slow = results.get("slow");
            assertEquals(HealthStatus.CRITICAL, slow.status());
            assertTrue(slow.cause(), slow.cause().contains(TIMEOUT_MILLIS + " ms"));
            assertEquals(HealthStatus.OK, results.get("quick").status());
            assertEquals(HealthStatus.CRITICAL, report.status());
        } finally {
            release.countDown();
        }
    }

    @Test
    public void aCheckReturningNullIsCritical() {
        register("nothing", () -> null);
        List<HealthCheckResult> checks = aggregator.report().checks();
        assertEquals(1, checks.size());
        assertEquals("nothing", checks.get(0).name());
        assertEquals(HealthStatus.CRITICAL, checks.get(0).status());
        assertTrue(checks.get(0).cause(), checks.get(0).cause().contains("no result"));
    }

    @Test
    public void removeCheckRemovesIt() {
        HealthCheck bad = fixed(HealthStatus.CRITICAL);
        Map<String, Object> badProps = register("bad", bad);
        register("good", fixed(HealthStatus.OK));
        assertEquals(List.of("bad", "good"), aggregator.checkNames());
        assertEquals(HealthStatus.CRITICAL, aggregator.report().status());

        aggregator.removeCheck(bad, badProps);

        assertEquals(List.of("good"), aggregator.checkNames());
        HealthReport report = aggregator.report();
        assertEquals(HealthStatus.OK, report.status());
        assertEquals(List.of("good"), report.checks().stream().map(HealthCheckResult::name).toList());
    }

    @Test
    public void runExecutesOnlyTheNamedChecks() {
        AtomicInteger aCalls = new AtomicInteger();
        AtomicInteger bCalls = new AtomicInteger();
        AtomicInteger cCalls = new AtomicInteger();
        register("a", () -> {
            aCalls.incrementAndGet();
            return HealthCheckResult.ok("a", "fine", null);
        });
        register("b", () -> {
            bCalls.incrementAndGet();
            return new HealthCheckResult("b", HealthStatus.WARNING, "meh", "do something", null);
        });
        register("c", () -> {
            cCalls.incrementAndGet();
            return HealthCheckResult.ok("c", "fine", null);
        });

        List<HealthCheckResult> results = aggregator.run(List.of("c", "b"));

        assertEquals(List.of("b", "c"), results.stream().map(HealthCheckResult::name).toList());
        assertEquals(HealthStatus.WARNING, results.get(0).status());
        assertEquals(0, aCalls.get());
        assertEquals(1, bCalls.get());
        assertEquals(1, cCalls.get());
    }

    @Test
    public void runWithAnUnknownNameThrowsNotFound() {
        AtomicInteger calls = new AtomicInteger();
        register("storage", () -> {
            calls.incrementAndGet();
            return HealthCheckResult.ok("storage", "fine", null);
        });
        try {
            aggregator.run(List.of("storage", "nope"));
            fail("expected a HostException");
        } catch (HostException e) {
            assertEquals(ErrorCode.NOT_FOUND, e.code());
            assertTrue(e.getMessage(), e.getMessage().contains("nope"));
            assertFalse(e.getMessage(), e.getMessage().contains("storage"));
            assertTrue(e.action(), e.action().contains("storage"));
        }
        assertEquals("no check may run when a name is unknown", 0, calls.get());
    }

    @Test
    public void checkNamesAreSorted() {
        register("transport", fixed(HealthStatus.OK));
        register("agent", fixed(HealthStatus.OK));
        register("storage", fixed(HealthStatus.OK));
        assertEquals(List.of("agent", "storage", "transport"), aggregator.checkNames());
    }

    @Test
    public void aCheckWithoutNameIsReportedUnderItsComponentName() {
        Map<String, Object> props = props(null);
        props.put("component.name", "dev.example.MyCheck");
        aggregator.addCheck(fixed(HealthStatus.OK), props);
        assertEquals(List.of("dev.example.MyCheck"), aggregator.checkNames());
        assertEquals("dev.example.MyCheck", aggregator.report().checks().get(0).name());
    }

    @Test
    public void aBlankNameAlsoFallsBackToTheComponentName() {
        Map<String, Object> props = props("  ");
        props.put("component.name", "dev.example.Blank");
        aggregator.addCheck(fixed(HealthStatus.OK), props);
        assertEquals(List.of("dev.example.Blank"), aggregator.checkNames());
    }

    @Test
    public void aCheckWithoutNameOrComponentIsReportedUnderItsServiceId() {
        Map<String, Object> props = new HashMap<>();
        props.put("service.id", 4711L);
        aggregator.addCheck(fixed(HealthStatus.WARNING), props);
        assertEquals(List.of("check-4711"), aggregator.checkNames());
        HealthCheckResult result = aggregator.report().checks().get(0);
        assertEquals("check-4711", result.name());
        assertEquals(HealthStatus.WARNING, result.status());
    }

    private Map<String, Object> action(String id, String check, HealthAction action) {
        Map<String, Object> props = new HashMap<>();
        props.put("service.id", nextServiceId++);
        props.put(HealthAction.ID, id);
        props.put(HealthAction.CHECK, check);
        props.put(HealthAction.LABEL, "Fix " + id);
        aggregator.addAction(action, props);
        return props;
    }

    @Test
    public void actionsAreListedSortedAndRunById() {
        AtomicInteger runs = new AtomicInteger();
        action("zz-restart", "discovery", () -> new HealthActionResult("zz-restart", "restarted", null));
        action("open-window", "pairing", () -> {
            runs.incrementAndGet();
            return new HealthActionResult("open-window", "opened", Map.of("minutes", 5));
        });
        assertEquals(List.of(new HealthActionInfo("open-window", "pairing", "Fix open-window"),
                new HealthActionInfo("zz-restart", "discovery", "Fix zz-restart")), aggregator.actions());
        HealthActionResult result = aggregator.runAction("open-window");
        assertEquals("opened", result.message());
        assertEquals(1, runs.get());
    }

    @Test
    public void anUnknownActionIsNotFoundAndAFailingOneIsUnavailableOrItsOwnError() {
        action("broken", "x", () -> {
            throw new IllegalStateException("boom");
        });
        action("refusing", "x", () -> {
            throw new HostException(ErrorCode.CONFLICT, "busy", "wait");
        });
        try {
            aggregator.runAction("nope");
            fail("an unknown action ran");
        } catch (HostException e) {
            assertEquals(ErrorCode.NOT_FOUND, e.code());
            assertTrue(e.action(), e.action().contains("broken"));
        }
        try {
            aggregator.runAction("broken");
            fail("a failing action succeeded");
        } catch (HostException e) {
            assertEquals(ErrorCode.UNAVAILABLE, e.code());
            assertTrue(e.getMessage(), e.getMessage().contains("IllegalStateException"));
        }
        try {
            aggregator.runAction("refusing");
            fail("a refusing action succeeded");
        } catch (HostException e) {
            assertEquals(ErrorCode.CONFLICT, e.code());
        }
    }

    @Test(timeout = 5000)
    public void aHangingActionFailsAtItsDeadline() {
        CountDownLatch release = new CountDownLatch(1);
        action("hang", "x", () -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new HealthActionResult("hang", "late", null);
        });
        try {
            aggregator.runAction("hang");
            fail("a hanging action returned");
        } catch (HostException e) {
            assertEquals(ErrorCode.UNAVAILABLE, e.code());
            assertTrue(e.getMessage(), e.getMessage().contains(ACTION_TIMEOUT_MILLIS + " ms"));
        } finally {
            release.countDown();
        }
    }

    @Test
    public void checkResultsOfferOnlyRegisteredActionsAndRemovedActionsDisappear() {
        Map<String, Object> reset = action("reset-caps", "pairing", () -> new HealthActionResult("reset-caps", "done", null));
        register("pairing", () -> new HealthCheckResult("pairing", HealthStatus.CRITICAL, "locked", "reset",
                null, List.of("reset-caps", "not-installed")));
        assertEquals(List.of("reset-caps"), aggregator.report().checks().get(0).actions());
        aggregator.removeAction(null, reset);
        assertEquals(List.of(), aggregator.report().checks().get(0).actions());
        assertTrue(aggregator.actions().isEmpty());
    }

    @Test
    public void anActionWithoutIdIsIgnored() {
        Map<String, Object> props = new HashMap<>();
        props.put("service.id", 99L);
        aggregator.addAction(() -> new HealthActionResult("x", "y", null), props);
        assertTrue(aggregator.actions().isEmpty());
    }
}

package dev.openwork.host.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.health.HealthStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Test;

public class ClockHealthCheckTest {

    private final AtomicReference<Instant> wallNow = new AtomicReference<>(Instant.parse("2026-06-01T12:00:00Z"));
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final Clock wall = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return wallNow.get();
        }
    };

    private void elapse(Duration wallStep, Duration monotonicStep) {
        wallNow.set(wallNow.get().plus(wallStep));
        nanos.addAndGet(monotonicStep.toNanos());
    }

    @Test
    public void aSteadyClockIsOk() {
        ClockHealthCheck check = new ClockHealthCheck(wall, nanos::get);
        elapse(Duration.ofMinutes(30), Duration.ofMinutes(30));
        assertEquals(HealthStatus.OK, check.check().status());
    }

    @Test
    public void aClockBeforeThisVersionExistedIsCritical() {
        wallNow.set(Instant.parse("1970-01-01T00:05:00Z"));
        HealthCheckResult result = new ClockHealthCheck(wall, nanos::get).check();
        assertEquals(HealthStatus.CRITICAL, result.status());
        assertTrue(result.action(), result.action().contains("NTP"));
    }

    @Test
    public void aJumpIsAWarningForAnHourThenClears() {
        ClockHealthCheck check = new ClockHealthCheck(wall, nanos::get);
        elapse(Duration.ofMinutes(10).plusSeconds(1), Duration.ofSeconds(1));
        HealthCheckResult jumped = check.check();
        assertEquals(HealthStatus.WARNING, jumped.status());
        assertTrue(jumped.cause(), jumped.cause().contains("forward by 600 s"));
        elapse(Duration.ofMinutes(59), Duration.ofMinutes(59));
        assertEquals(HealthStatus.WARNING, check.check().status());
        elapse(Duration.ofMinutes(2), Duration.ofMinutes(2));
        assertEquals(HealthStatus.OK, check.check().status());
    }

    @Test
    public void smallDriftIsNotAJump() {
        ClockHealthCheck check = new ClockHealthCheck(wall, nanos::get);
        elapse(Duration.ofMinutes(5).plusSeconds(30), Duration.ofMinutes(5));
        assertEquals(HealthStatus.OK, check.check().status());
    }
}

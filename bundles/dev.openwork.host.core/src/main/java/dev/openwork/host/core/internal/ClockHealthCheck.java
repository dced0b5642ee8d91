package dev.openwork.host.core.internal;

import dev.openwork.host.api.health.HealthCheck;
import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.health.HealthStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Component;

/**
 * Checks that the wall clock is sane: certificates, pairing windows, task timestamps and the
 * metrics' time buckets all depend on it. A clock set before this version of the host existed
 * (a board without a real-time clock that booted offline) makes every TLS certificate look not yet
 * valid; a clock that jumped while the host ran makes durations and charts wrong for a while.
 */
@Component(service = HealthCheck.class, property = HealthCheck.NAME + "=" + ClockHealthCheck.NAME)
public final class ClockHealthCheck implements HealthCheck {

    static final String NAME = "clock";
    /** No clock that reads earlier than this is right: this version of the host did not exist yet. */
    static final Instant EARLIEST_SANE = Instant.parse("2026-01-01T00:00:00Z");
    /** A jump smaller than this is ordinary NTP slewing or a suspended laptop's catch-up... */
    static final Duration JUMP_THRESHOLD = Duration.ofMinutes(2);
    /** ...and a reported jump stays a warning this long, so that an admin sees it. */
    static final Duration JUMP_REPORTED_FOR = Duration.ofHours(1);

    private final Clock wall;
    private final LongSupplier monotonicNanos;
    private long offsetNanos;
    private Instant jumpSeenAt;
    private long jumpSeconds;

    public ClockHealthCheck() {
        this(Clock.systemUTC(), System::nanoTime);
    }

    ClockHealthCheck(Clock wall, LongSupplier monotonicNanos) {
        this.wall = wall;
        this.monotonicNanos = monotonicNanos;
        this.offsetNanos = offset();
    }

    private long offset() {
        Instant now = wall.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano() - monotonicNanos.getAsLong();
    }

    @Override
    public synchronized HealthCheckResult check() {
        Instant now = wall.instant();
        long currentOffset = offset();
        long drift = currentOffset - offsetNanos;
        offsetNanos = currentOffset;
        if (Math.abs(drift) >= JUMP_THRESHOLD.toNanos()) {
            jumpSeenAt = now;
            jumpSeconds = drift / 1_000_000_000L;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("now", now.toString());
        if (now.isBefore(EARLIEST_SANE)) {
            return new HealthCheckResult(NAME, HealthStatus.CRITICAL, "The host's clock says " + now
                    + ", before this version of the host existed; TLS certificates look not yet valid to clients.",
                    "Set the system clock (enable NTP: timedatectl set-ntp true), then restart the host.", details);
        }
        if (jumpSeenAt != null && Duration.between(jumpSeenAt, now).compareTo(JUMP_REPORTED_FOR) < 0) {
            details.put("jumpSeconds", jumpSeconds);
            details.put("jumpSeenAt", jumpSeenAt.toString());
            return new HealthCheckResult(NAME, HealthStatus.WARNING, "The clock jumped " + (jumpSeconds > 0 ? "forward" : "back")
                    + " by " + Math.abs(jumpSeconds) + " s while the host ran (seen at " + jumpSeenAt
                    + "); task durations and chart buckets around then are off.",
                    "Keep the clock synchronised (timedatectl set-ntp true); nothing else to do, this clears within an hour.",
                    details);
        }
        return HealthCheckResult.ok(NAME, "The clock reads " + now + " and runs steadily.", details);
    }
}

package dev.openwork.host.tasks.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test moves by hand; every reading is 1 µs after the previous one. */
final class JournalTestClock extends Clock {

    private Instant now;

    JournalTestClock(Instant start) {
        this.now = start;
    }

    synchronized void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public synchronized Instant instant() {
        now = now.plusNanos(1_000);
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        // the journal stores instants only: the zone does not matter to it
        return this;
    }
}

package dev.openwork.host.transport.http.internal;

import dev.openwork.host.api.events.HostEventProperties;
import dev.openwork.host.api.events.HostTopics;
import java.util.Map;
import java.util.function.Supplier;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * Reports refused requests as {@link HostTopics#CLIENT_FAILED} events (reason and plain cause, never
 * a credential or an address), so that telemetry can count connection failures by cause.
 */
@FunctionalInterface
interface ClientFailures {

    ClientFailures NONE = (reason, cause) -> {
    };

    /** A request was refused for {@code reason} (a {@code HostEventProperties.REASON_*}). Never blocks or throws. */
    void refused(String reason, String cause);

    /** Posts on whichever EventAdmin runs at the time, or drops the report. */
    static ClientFailures on(Supplier<EventAdmin> eventAdmin) {
        return (reason, cause) -> {
            EventAdmin events = eventAdmin.get();
            if (events != null) {
                try {
                    events.postEvent(new Event(HostTopics.CLIENT_FAILED,
                            Map.of(HostEventProperties.REASON, reason, HostEventProperties.CAUSE, cause)));
                } catch (RuntimeException gone) {
                    // EventAdmin stopping while we post: the refusal itself still stands
                }
            }
        };
    }
}

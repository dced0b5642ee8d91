package dev.openwork.host.devices.internal;

import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts this bundle's events on EventAdmin when one is running, and drops them otherwise, so the
 * registry works (and keeps working) without EventAdmin. Registered under this bundle's own
 * internal type: only this bundle's components use it.
 */
@Component(service = EventSink.class)
public final class EventAdminSink implements EventSink {

    private static final Logger LOG = LoggerFactory.getLogger(EventAdminSink.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    @Override
    public void post(String topic, Map<String, Object> properties) {
        EventAdmin current = eventAdmin;
        if (current == null) {
            LOG.debug("No EventAdmin is running; event {} not posted", topic);
            return;
        }
        try {
            current.postEvent(new Event(topic, properties));
        } catch (RuntimeException e) {
            // EventAdmin going away while we post must not fail the caller's change
            LOG.warn("Could not post event {}", topic, e);
        }
    }
}

package dev.openwork.host.core.internal;

import dev.openwork.host.api.events.HostEventProperties;
import dev.openwork.host.api.events.HostTopics;
import dev.openwork.host.api.host.HostInfo;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * Posts {@link HostTopics#HOST_STARTED} once, when the framework has started every bundle of its
 * start level (or at once, when this component comes up in a framework that is already running).
 */
@Component(service = {})
public final class HostStartedAnnouncer implements FrameworkListener {

    private final BundleContext context;
    private final EventAdmin events;
    private final HostInfo hostInfo;
    private final AtomicBoolean announced = new AtomicBoolean();

    @Activate
    public HostStartedAnnouncer(BundleContext context, @Reference EventAdmin events, @Reference HostInfo hostInfo) {
        this.context = context;
        this.events = events;
        this.hostInfo = hostInfo;
        context.addFrameworkListener(this);
        if (context.getBundle(0).getState() == Bundle.ACTIVE) {
            announce();
        }
    }

    @Deactivate
    void deactivate() {
        context.removeFrameworkListener(this);
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.STARTED) {
            announce();
        }
    }

    private void announce() {
        if (announced.compareAndSet(false, true)) {
            events.postEvent(new Event(HostTopics.HOST_STARTED, Map.of(HostEventProperties.VERSION, hostInfo.version())));
        }
    }
}

package dev.openwork.host.transport.http.internal;

import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.events.HostEventProperties;
import dev.openwork.host.api.events.HostTopics;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsName;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

/**
 * {@code GET /v1/events}: a server-sent event stream of host events the caller may see, with
 * heartbeats. A device's streams close as soon as its credential is revoked.
 */
@Component(service = {EventStreamResource.class, EventHandler.class},
        property = EventConstants.EVENT_TOPIC + "=" + HostTopics.ROOT + "*")
@JakartarsResource
@JakartarsName("openwork.events")
@Path("v1/events")
public final class EventStreamResource implements EventHandler {

    static final long HEARTBEAT_SECONDS = 15;

    private record Stream(Caller caller, Sse sse) {
    }

    private final Map<SseEventSink, Stream> streams = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "openwork-sse-heartbeat");
        thread.setDaemon(true);
        return thread;
    });

    @Context
    private HttpServletRequest servletRequest;

    public EventStreamResource() {
        heartbeat.scheduleWithFixedDelay(this::beat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        heartbeat.shutdownNow();
        streams.keySet().forEach(SseEventSink::close);
        streams.clear();
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Access(scope = Scopes.STATUS_READ)
    public void open(@Context SseEventSink sink, @Context Sse sse) {
        Caller caller = (Caller) servletRequest.getAttribute(Caller.PROPERTY);
        streams.put(sink, new Stream(caller, sse));
        send(sink, streams.get(sink), "hello", Map.of("deviceId", caller.deviceId() == null ? "admin" : caller.deviceId()));
    }

    @Override
    public void handleEvent(Event event) {
        String revoked = HostTopics.DEVICE_REVOKED.equals(event.getTopic())
                ? (String) event.getProperty(HostEventProperties.DEVICE_ID) : null;
        Map<String, Object> data = new LinkedHashMap<>();
        for (String name : event.getPropertyNames()) {
            if (!EventConstants.EVENT_TOPIC.equals(name)) {
                data.put(name, String.valueOf(event.getProperty(name)));
            }
        }
        String type = event.getTopic().substring(HostTopics.ROOT.length()).toLowerCase().replace('/', '.');
        streams.forEach((sink, stream) -> {
            if (revoked != null && revoked.equals(stream.caller().deviceId())) {
                send(sink, stream, "device.revoked", data);
                close(sink);
            } else if (mayReceive(stream.caller(), event)) {
                send(sink, stream, type, data);
            }
        });
    }

    /** Admins see every host event; a device sees the events about itself. */
    private static boolean mayReceive(Caller caller, Event event) {
        return caller.isAdmin() || (caller.deviceId() != null && caller.deviceId().equals(event.getProperty(HostEventProperties.DEVICE_ID)));
    }

    private void beat() {
        streams.forEach((sink, stream) -> {
            if (sink.isClosed()) {
                streams.remove(sink);
            } else {
                sink.send(stream.sse().newEventBuilder().comment("heartbeat").build()).whenComplete(closeOnFailure(sink));
            }
        });
    }

    private void send(SseEventSink sink, Stream stream, String type, Map<String, ?> data) {
        if (sink.isClosed()) {
            streams.remove(sink);
            return;
        }
        OutboundSseEvent event = stream.sse().newEventBuilder().id(Long.toString(nextId.getAndIncrement())).name(type)
                .mediaType(MediaType.APPLICATION_JSON_TYPE).data(Map.class, data).build();
        sink.send(event).whenComplete(closeOnFailure(sink));
    }

    private java.util.function.BiConsumer<Object, Throwable> closeOnFailure(SseEventSink sink) {
        return (ignored, failure) -> {
            if (failure != null) {
                close(sink);
            }
        };
    }

    private Void close(SseEventSink sink) {
        streams.remove(sink);
        try {
            sink.close();
        } catch (RuntimeException alreadyGone) {
            // the client left first
        }
        return null;
    }
}

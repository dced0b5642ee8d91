package dev.openwork.host.devices.internal;

import java.util.Map;

/** Where this bundle's events go: EventAdmin in the framework, a list in unit tests. */
@FunctionalInterface
interface EventSink {

    /** Drops every event. */
    EventSink NONE = (topic, properties) -> {
    };

    /** Posts the event asynchronously; never blocks and never throws. */
    void post(String topic, Map<String, Object> properties);
}

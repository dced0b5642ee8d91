package dev.openwork.host.pairing.internal;

import dev.openwork.host.api.events.HostEventProperties;
import dev.openwork.host.api.events.HostTopics;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the coordinator reports pairing steps: EventAdmin in the framework, nothing or a list in
 * unit tests. Never carries a code, a key or a credential. Implementations never block or throw.
 */
@FunctionalInterface
interface PairingEvents {

    PairingEvents NONE = (topic, properties) -> {
    };

    void post(String topic, Map<String, Object> properties);

    default void windowOpened() {
        post(HostTopics.PAIRING_WINDOW_OPENED, Map.of());
    }

    /** A step of an attempt ended with {@code outcome}; {@code cause} may be null. */
    default void attempt(String outcome, String cause) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(HostEventProperties.OUTCOME, outcome);
        if (cause != null) {
            properties.put(HostEventProperties.CAUSE, cause);
        }
        post(HostTopics.PAIRING_ATTEMPT, properties);
    }
}

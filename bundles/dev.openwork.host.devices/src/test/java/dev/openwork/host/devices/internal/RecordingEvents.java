package dev.openwork.host.devices.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link EventSink} that keeps what was posted. */
final class RecordingEvents implements EventSink {

    record Posted(String topic, Map<String, Object> properties) {
    }

    final List<Posted> posted = new CopyOnWriteArrayList<>();

    @Override
    public void post(String topic, Map<String, Object> properties) {
        posted.add(new Posted(topic, Map.copyOf(properties)));
    }
}

package dev.openwork.host.transport.http.internal;

import static org.junit.Assert.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskState;
import java.time.Instant;
import org.junit.Test;

public class StreamEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    public void taskEventsAreNamedTaskDotType() throws Exception {
        StreamSession.Outgoing out = StreamingResource.toOutgoing(new TaskEvent(7, "task_1", AT, TaskEvent.STATE,
                TaskState.WAITING_PERMISSION, null, "waiting for permission", null, null));
        assertEquals("task.state", out.name());
        JsonNode data = JSON.readTree(out.json());
        assertEquals("waiting_permission", data.path("state").asText());
        assertEquals("waiting for permission", data.path("text").asText());
    }

    @Test
    public void permissionEventsKeepTheirNameAndCarryTheQuestionAsAnObject() throws Exception {
        StreamSession.Outgoing asked = StreamingResource.toOutgoing(new TaskEvent(8, "task_1", AT,
                TaskEvent.PERMISSION_ASKED, null, null, "{\"id\":\"perm_1\",\"tool\":\"bash\"}", null, null));
        assertEquals("permission.asked", asked.name());
        assertEquals(8, asked.id());
        JsonNode data = JSON.readTree(asked.json());
        assertEquals("perm_1", data.path("permission").path("id").asText());
        assertEquals("task_1", data.path("taskId").asText());
        StreamSession.Outgoing replied = StreamingResource.toOutgoing(new TaskEvent(9, "task_1", AT,
                TaskEvent.PERMISSION_REPLIED, null, null, "not json", null, null));
        assertEquals("permission.replied", replied.name());
        assertEquals("not json", JSON.readTree(replied.json()).path("permission").asText());
    }
}

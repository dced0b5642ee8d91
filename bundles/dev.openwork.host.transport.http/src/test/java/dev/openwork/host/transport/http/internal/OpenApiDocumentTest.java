package dev.openwork.host.transport.http.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.openwork.host.api.auth.RouteAccess;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import java.util.ArrayList;
import java.util.List;
import org.glassfish.jersey.server.model.Resource;
import org.junit.Test;

public class OpenApiDocumentTest {

    private static final ObjectMapper MAPPER = RestFeature.strictMapper(1024, 64);

    /** A route another bundle might add, with its own access rule and a nested record body. */
    @Path("v1/extra/{id: [a-z]+}")
    @RouteAccess(scope = "admin", loopbackScope = "")
    public static final class ExtraResource {
        public record Inner(int count, List<String> names) {
        }

        public record Body(String name, Inner inner, java.time.Instant at) {
        }

        @POST
        public Body post(@PathParam("id") String id, Body body) {
            return body;
        }

        @GET
        @Path("page.html")
        @Produces("text/html")
        public String page(@PathParam("id") String id) {
            return "";
        }
    }

    private static ObjectNode document(Class<?>... resources) {
        List<Resource> roots = new ArrayList<>();
        for (Class<?> resource : resources) {
            roots.add(Resource.from(resource));
        }
        return OpenApiDocument.build(roots, "1.2.3", new OpenApiDocument.Servers("http://127.0.0.1:4747",
                List.of("https://192.0.2.7:4748")), MAPPER);
    }

    @Test
    public void everyResourceMethodIsAnOperationWithTheRuleTheFilterApplies() {
        ObjectNode doc = document(HealthResource.class, PairingResource.class, DevicesResource.class,
                StreamingResource.class, PermissionsResource.class, SessionResource.class, OpenApiResource.class);
        assertEquals("3.1.0", doc.path("openapi").asText());
        assertEquals("1.2.3", doc.path("info").path("version").asText());
        JsonNode paths = doc.path("paths");

        JsonNode submit = paths.path("/v1/tasks").path("post");
        assertEquals("tasks:run", submit.path("x-openwork-access").path("scope").asText());
        assertEquals("any", submit.path("x-openwork-access").path("listener").asText());
        assertEquals("#/components/schemas/TaskRequest",
                submit.path("requestBody").path("content").path("application/json").path("schema").path("$ref").asText());
        JsonNode taskRequest = doc.path("components").path("schemas").path("TaskRequest");
        assertFalse(taskRequest.path("additionalProperties").asBoolean(true));
        assertEquals("array", taskRequest.path("properties").path("steps").path("type").asText());
        assertEquals("#/components/schemas/ToolCall", taskRequest.path("properties").path("steps").path("items").path("$ref").asText());
        assertEquals("integer", taskRequest.path("properties").path("timeoutSeconds").path("type").asText());

        JsonNode start = paths.path("/v1/pairing/start").path("post");
        assertEquals("", start.path("x-openwork-access").path("scope").asText());
        assertEquals("tls", start.path("x-openwork-access").path("listener").asText());
        assertEquals("https://192.0.2.7:4748", start.path("servers").get(0).path("url").asText());
        assertEquals(0, start.path("security").size());

        JsonNode revoke = paths.path("/v1/devices/{deviceId}").path("delete");
        assertEquals("admin from the class annotation", "admin", revoke.path("x-openwork-access").path("scope").asText());
        assertEquals("path", revoke.path("parameters").get(0).path("in").asText());
        assertTrue(revoke.path("parameters").get(0).path("required").asBoolean());

        JsonNode login = paths.path("/v1/session").path("post");
        assertEquals("local", login.path("x-openwork-access").path("listener").asText());

        JsonNode events = paths.path("/v1/tasks/{taskId}/events").path("get");
        assertTrue(events.path("responses").path("2XX").path("content").has("text/event-stream"));
        assertEquals("header", events.path("parameters").get(1).path("in").asText());

        JsonNode log = paths.path("/v1/tasks/{taskId}/log").path("get");
        assertEquals("1000", log.path("parameters").get(2).path("schema").path("default").asText());

        JsonNode states = doc.path("components").path("schemas").path("Task").path("properties").path("state").path("enum");
        assertEquals("enum values as the API writes them", "queued", states.get(0).asText());
        assertEquals("#/components/schemas/HostError",
                submit.path("responses").path("4XX").path("content").path("application/json").path("schema").path("$ref").asText());
        assertTrue(paths.has("/v1/openapi.json"));
        assertEquals("status:read", paths.path("/v1/openapi.json").path("get").path("x-openwork-access").path("scope").asText());
    }

    @Test
    public void anotherBundlesRouteAppearsWithItsRuleAndTemplatesLoseTheirRegex() {
        JsonNode paths = document(ExtraResource.class).path("paths");
        JsonNode post = paths.path("/v1/extra/{id}").path("post");
        assertEquals("admin", post.path("x-openwork-access").path("scope").asText());
        assertEquals("", post.path("x-openwork-access").path("loopbackScope").asText());
        assertEquals("anonymous allowed on one listener", 3, post.path("security").size());
        JsonNode page = paths.path("/v1/extra/{id}/page.html").path("get");
        assertEquals("string", page.path("responses").path("2XX").path("content").path("text/html").path("schema").path("type").asText());
    }

    @Test
    public void nestedRecordsAndTimesHaveSchemas() {
        ObjectNode doc = document(ExtraResource.class);
        JsonNode schemas = doc.path("components").path("schemas");
        JsonNode body = schemas.path("Body").path("properties");
        assertEquals("#/components/schemas/Inner", body.path("inner").path("$ref").asText());
        assertEquals("date-time", body.path("at").path("format").asText());
        assertEquals("int32", schemas.path("Inner").path("properties").path("count").path("format").asText());
        assertEquals("string", schemas.path("Inner").path("properties").path("names").path("items").path("type").asText());
    }

    @Test
    public void pathsJoinWithoutDoubleSlashes() {
        assertEquals("/", OpenApiDocument.join("", "/"));
        assertEquals("/v1/health/run", OpenApiDocument.join("/v1/health/", "/run"));
        assertEquals("/web/{name}", OpenApiDocument.join("/", "web/{ name : [a-z.]+ }"));
    }
}

package dev.openwork.host.transport.http.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.openwork.host.api.error.HostError;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glassfish.jersey.model.Parameter.Source;
import org.glassfish.jersey.server.ChunkedOutput;
import org.glassfish.jersey.server.model.Invocable;
import org.glassfish.jersey.server.model.Parameter;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;

/**
 * The OpenAPI 3.1 document of the routes a Jersey application serves, built from its resource
 * model: every resource method of every resource (whichever bundle registered it) with its path,
 * parameters, body schema and answer schema, and who may call it, read with the same
 * {@link CallerAuthenticator#ruleOf} the authentication filter applies, so the document cannot
 * drift from what is enforced. Each operation carries {@code x-openwork-access}: {@code scope},
 * {@code loopbackScope} (the scope on the loopback listener) and {@code listener} ({@code any},
 * {@code tls}, {@code local}). Methods Jersey adds by itself (OPTIONS, HEAD) are left out.
 */
final class OpenApiDocument {

    static final String OPENAPI_VERSION = "3.1.0";
    static final String ACCESS_EXTENSION = "x-openwork-access";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern TEMPLATE = Pattern.compile("\\{\\s*([^}:\\s]+)\\s*(?::[^}]*)?}");
    private static final List<String> METHOD_ORDER = List.of("get", "put", "post", "delete", "patch", "head", "options");

    /** Where the API is served: the loopback listener and the LAN TLS listener(s). */
    record Servers(String loopback, List<String> lan) {
    }

    private record Operation(String path, String method, ObjectNode node) {
    }

    private OpenApiDocument() {
    }

    static ObjectNode build(List<Resource> roots, String hostVersion, Servers servers, ObjectMapper mapper) {
        JsonSchemas schemas = new JsonSchemas(mapper);
        ObjectNode errorRef = schemas.schemaOf(HostError.class);
        List<Operation> operations = new ArrayList<>();
        for (Resource root : roots) {
            collect(root, "", operations, schemas, errorRef, servers);
        }
        operations.sort(Comparator.comparing(Operation::path)
                .thenComparing(o -> METHOD_ORDER.indexOf(o.method())));

        ObjectNode document = NODES.objectNode().put("openapi", OPENAPI_VERSION);
        document.putObject("info").put("title", "OpenWork Host API").put("version", hostVersion == null ? "unknown" : hostVersion)
                .put("description", "Generated from the routes this host serves right now. x-openwork-access names the "
                        + "scope a caller needs (loopbackScope on the 127.0.0.1 listener) and the listeners that serve "
                        + "the route (any, tls, local). Device credentials travel as 'Authorization: Bearer'; the local "
                        + "admin's credential and browser session count on the loopback listener only.");
        ArrayNode serverList = document.putArray("servers");
        if (servers.loopback() != null) {
            serverList.addObject().put("url", servers.loopback()).put("description", "loopback listener (processes on the host)");
        }
        servers.lan().forEach(url -> serverList.addObject().put("url", url).put("description", "LAN listener (TLS 1.3, pinned key)"));
        ObjectNode paths = document.putObject("paths");
        for (Operation operation : operations) {
            ObjectNode pathItem = paths.has(operation.path()) ? (ObjectNode) paths.get(operation.path())
                    : paths.putObject(operation.path());
            pathItem.set(operation.method(), operation.node());
        }
        ObjectNode components = document.putObject("components");
        ObjectNode security = components.putObject("securitySchemes");
        security.putObject("bearer").put("type", "http").put("scheme", "bearer")
                .put("description", "A paired device's credential, or on the loopback listener the admin credential "
                        + "in data/admin/admin.token.");
        security.putObject("session").put("type", "apiKey").put("in", "cookie").put("name", CallerAuthenticator.SESSION_COOKIE)
                .put("description", "The web page's admin session (loopback listener only), from POST /v1/session.");
        components.set("schemas", schemas.components());
        return document;
    }

    private static void collect(Resource resource, String parentPath, List<Operation> operations, JsonSchemas schemas,
            ObjectNode errorRef, Servers servers) {
        if (resource.isExtended()) {
            return;
        }
        String path = join(parentPath, resource.getPath());
        for (ResourceMethod method : resource.getResourceMethods()) {
            if (!method.isExtended() && method.getHttpMethod() != null) {
                operations.add(operation(path, method, schemas, errorRef, servers));
            }
        }
        for (Resource child : resource.getChildResources()) {
            collect(child, path, operations, schemas, errorRef, servers);
        }
    }

    private static Operation operation(String path, ResourceMethod method, JsonSchemas schemas, ObjectNode errorRef,
            Servers servers) {
        Invocable invocable = method.getInvocable();
        Method handling = invocable.getHandlingMethod();
        Class<?> handler = invocable.getHandler().getHandlerClass();
        CallerAuthenticator.Rule rule = CallerAuthenticator.ruleOf(handling, handler);
        String verb = method.getHttpMethod().toLowerCase(Locale.ROOT);

        ObjectNode node = NODES.objectNode();
        node.put("operationId", handler.getSimpleName() + "." + handling.getName());
        node.putArray("tags").add(handler.getSimpleName());
        ObjectNode access = node.putObject(ACCESS_EXTENSION);
        access.put("scope", rule.scope()).put("loopbackScope", rule.loopbackScope())
                .put("listener", rule.listener().name().toLowerCase(Locale.ROOT));
        ArrayNode security = node.putArray("security");
        if (!rule.scope().isEmpty() || !rule.loopbackScope().isEmpty()) {
            String scope = rule.scope().isEmpty() ? rule.loopbackScope() : rule.scope();
            security.addObject().putArray("bearer").add(scope);
            if (rule.listener() != Access.Listener.TLS) {
                security.addObject().putArray("session").add(scope);
            }
        }
        if (rule.scope().isEmpty() != rule.loopbackScope().isEmpty()) {
            security.addObject(); // anonymous: allowed on one of the listeners
        }
        if (rule.listener() == Access.Listener.TLS) {
            ArrayNode only = node.putArray("servers");
            servers.lan().forEach(url -> only.addObject().put("url", url));
        } else if (rule.listener() == Access.Listener.LOCAL && servers.loopback() != null) {
            node.putArray("servers").addObject().put("url", servers.loopback());
        }

        ArrayNode parameters = NODES.arrayNode();
        for (Parameter parameter : invocable.getParameters()) {
            Source source = parameter.getSource();
            if (source == Source.ENTITY) {
                ObjectNode body = node.putObject("requestBody").put("required", true);
                ObjectNode content = body.putObject("content");
                List<MediaType> consumed = method.getConsumedTypes();
                ObjectNode schema = schemas.schemaOf(parameter.getType());
                if (consumed.isEmpty()) {
                    content.putObject(MediaType.APPLICATION_JSON).set("schema", schema);
                } else {
                    consumed.forEach(type -> content.putObject(type.toString()).set("schema", schema.deepCopy()));
                }
            } else if (source == Source.PATH || source == Source.QUERY || source == Source.HEADER || source == Source.COOKIE) {
                ObjectNode p = parameters.addObject().put("name", parameter.getSourceName())
                        .put("in", source.name().toLowerCase(Locale.ROOT)).put("required", source == Source.PATH);
                ObjectNode schema = schemas.schemaOf(parameter.getType());
                if (parameter.hasDefaultValue()) {
                    schema.put("default", parameter.getDefaultValue());
                }
                p.set("schema", schema);
            }
        }
        if (!parameters.isEmpty()) {
            node.set("parameters", parameters);
        }

        ObjectNode responses = node.putObject("responses");
        ObjectNode success = responses.putObject("2XX").put("description", "success");
        Type answer = invocable.getResponseType();
        Class<?> rawAnswer = invocable.getRawResponseType();
        List<MediaType> produced = method.getProducedTypes();
        // an event stream is either a ChunkedOutput or written to a suspended request (void)
        if (ChunkedOutput.class.isAssignableFrom(rawAnswer) || produced.contains(MediaType.SERVER_SENT_EVENTS_TYPE)) {
            success.putObject("content").putObject(MediaType.SERVER_SENT_EVENTS).putObject("schema").put("type", "string");
        } else if (rawAnswer != void.class && rawAnswer != Void.class && !Response.class.isAssignableFrom(rawAnswer)) {
            ObjectNode content = success.putObject("content");
            ObjectNode schema = schemas.schemaOf(answer);
            for (MediaType type : produced.isEmpty() ? List.of(MediaType.APPLICATION_JSON_TYPE) : produced) {
                boolean json = type.isCompatible(MediaType.APPLICATION_JSON_TYPE) || type.getSubtype().endsWith("+json");
                content.putObject(type.toString()).set("schema", json ? schema.deepCopy() : binaryOrText(type));
            }
        } else if (!produced.isEmpty() && !produced.get(0).isWildcardType()) {
            ObjectNode content = success.putObject("content");
            produced.forEach(type -> content.putObject(type.toString()).putObject("schema"));
        }
        ObjectNode refused = responses.putObject("4XX")
                .put("description", "refused, with the typed error (code, message, action)");
        refused.putObject("content").putObject(MediaType.APPLICATION_JSON).set("schema", errorRef.deepCopy());
        ObjectNode failed = responses.putObject("5XX").put("description", "unavailable (a part is not running) or internal");
        failed.putObject("content").putObject(MediaType.APPLICATION_JSON).set("schema", errorRef.deepCopy());
        return new Operation(path, verb, node);
    }

    private static ObjectNode binaryOrText(MediaType type) {
        ObjectNode schema = NODES.objectNode().put("type", "string");
        if (!"text".equals(type.getType()) && !type.getSubtype().contains("xml")) {
            schema.put("contentMediaType", type.toString());
        }
        return schema;
    }

    /** {@code /a/b} from a parent path and a resource path, templates without their regular expressions. */
    static String join(String parent, String child) {
        String combined = (parent == null ? "" : parent) + "/" + (child == null ? "" : child);
        String collapsed = combined.replaceAll("/+", "/");
        if (collapsed.length() > 1 && collapsed.endsWith("/")) {
            collapsed = collapsed.substring(0, collapsed.length() - 1);
        }
        Matcher templates = TEMPLATE.matcher(collapsed);
        StringBuilder out = new StringBuilder();
        while (templates.find()) {
            templates.appendReplacement(out, Matcher.quoteReplacement("{" + templates.group(1) + "}"));
        }
        templates.appendTail(out);
        return out.toString();
    }
}

package dev.openwork.host.transport.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * JSON Schemas (the OpenAPI 3.1 dialect) of the Java types the REST API reads and writes, derived
 * from the types themselves: records become objects whose properties are their components (the
 * API's strict mapper refuses any other field, hence {@code additionalProperties: false}), and every
 * record is kept once under {@code components/schemas}. Enum values are written the way the API's
 * mapper writes them. Not thread-safe: one instance per document.
 */
final class JsonSchemas {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ObjectMapper mapper;
    private final Map<String, ObjectNode> components = new TreeMap<>();
    private final Map<Class<?>, String> names = new HashMap<>();

    JsonSchemas(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The shared schemas, to be put under {@code components/schemas}. */
    ObjectNode components() {
        ObjectNode all = NODES.objectNode();
        components.forEach(all::set);
        return all;
    }

    /** The schema of {@code type}: inline for simple types, a {@code $ref} for records. */
    ObjectNode schemaOf(Type type) {
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() instanceof Class<?> raw) {
            Type[] arguments = parameterized.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw)) {
                ObjectNode array = NODES.objectNode().put("type", "array");
                array.set("items", schemaOf(arguments[0]));
                if (Set.class.isAssignableFrom(raw)) {
                    array.put("uniqueItems", true);
                }
                return array;
            }
            if (Map.class.isAssignableFrom(raw)) {
                ObjectNode map = NODES.objectNode().put("type", "object");
                map.set("additionalProperties", schemaOf(arguments[1]));
                return map;
            }
            if (Optional.class.equals(raw)) {
                return schemaOf(arguments[0]);
            }
            return schemaOf(raw);
        }
        if (type instanceof GenericArrayType array) {
            ObjectNode schema = NODES.objectNode().put("type", "array");
            schema.set("items", schemaOf(array.getGenericComponentType()));
            return schema;
        }
        if (!(type instanceof Class<?> raw)) {
            return NODES.objectNode(); // a type variable or wildcard: anything
        }
        return schemaOfClass(raw);
    }

    private ObjectNode schemaOfClass(Class<?> raw) {
        if (raw == String.class || raw == char.class || raw == Character.class || CharSequence.class.isAssignableFrom(raw)) {
            return type("string");
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return type("boolean");
        }
        if (raw == int.class || raw == Integer.class || raw == short.class || raw == Short.class || raw == byte.class
                || raw == Byte.class) {
            return type("integer").put("format", "int32");
        }
        if (raw == long.class || raw == Long.class) {
            return type("integer").put("format", "int64");
        }
        if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class
                || Number.class.isAssignableFrom(raw)) {
            return type("number");
        }
        if (raw == Instant.class || raw == OffsetDateTime.class || raw == ZonedDateTime.class) {
            return type("string").put("format", "date-time");
        }
        if (raw == Duration.class) {
            return type("string").put("format", "duration");
        }
        if (raw == UUID.class) {
            return type("string").put("format", "uuid");
        }
        if (raw == byte[].class) {
            return type("string").put("contentEncoding", "base64");
        }
        if (raw.isArray()) {
            ObjectNode array = type("array");
            array.set("items", schemaOfClass(raw.getComponentType()));
            return array;
        }
        if (Collection.class.isAssignableFrom(raw)) {
            ObjectNode array = type("array");
            array.set("items", NODES.objectNode());
            return array;
        }
        if (Map.class.isAssignableFrom(raw)) {
            return type("object");
        }
        if (raw.isEnum()) {
            ObjectNode schema = type("string");
            ArrayNode values = schema.putArray("enum");
            for (Object constant : raw.getEnumConstants()) {
                values.add(wireName(constant));
            }
            return schema;
        }
        if (raw.isRecord()) {
            return reference(raw);
        }
        if (JsonNode.class.isAssignableFrom(raw) || raw == Object.class) {
            return NODES.objectNode();
        }
        return type("object");
    }

    private ObjectNode reference(Class<?> record) {
        String name = names.get(record);
        if (name == null) {
            name = uniqueName(record);
            names.put(record, name);
            ObjectNode schema = type("object");
            components.put(name, schema); // before the components, so a record that contains itself ends
            ObjectNode properties = schema.putObject("properties");
            for (RecordComponent component : record.getRecordComponents()) {
                properties.set(component.getName(), schemaOf(component.getGenericType()));
            }
            schema.put("additionalProperties", false);
        }
        return NODES.objectNode().put("$ref", "#/components/schemas/" + name);
    }

    private String uniqueName(Class<?> type) {
        String name = type.getSimpleName();
        for (Class<?> outer = type.getEnclosingClass(); components.containsKey(name) && outer != null;
                outer = outer.getEnclosingClass()) {
            name = outer.getSimpleName() + "." + name;
        }
        String base = name;
        for (int i = 2; components.containsKey(name); i++) {
            name = base + i;
        }
        return name;
    }

    private String wireName(Object constant) {
        try {
            JsonNode written = mapper.valueToTree(constant);
            return written.isTextual() ? written.asText() : ((Enum<?>) constant).name();
        } catch (IllegalArgumentException e) {
            return ((Enum<?>) constant).name();
        }
    }

    private static ObjectNode type(String name) {
        return NODES.objectNode().put("type", name);
    }
}

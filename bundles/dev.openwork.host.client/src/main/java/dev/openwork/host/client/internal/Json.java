package dev.openwork.host.client.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The client's JSON mapper: instants as ISO-8601 strings (as the host writes them), unknown fields
 * ignored (a newer host may add some), enums read case-insensitively (the host writes task states
 * in lower case: {@code running}), duplicate keys refused, sizes capped.
 */
public final class Json {

    public static final ObjectMapper MAPPER = create();

    /** The same mapper, but leaving out null fields when writing (for request bodies with many optional fields). */
    private static final ObjectMapper WITHOUT_NULLS = MAPPER.copy().setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);

    private Json() {
    }

    private static ObjectMapper create() {
        SimpleModule instants = new SimpleModule("openwork-client-instants");
        instants.addSerializer(Instant.class, ToStringSerializer.instance);
        instants.addDeserializer(Instant.class, new InstantDeserializer());
        JsonMapper mapper = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .addModule(instants)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(1024 * 1024).maxNestingDepth(64).build());
        return mapper;
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** {@code value} as JSON without its null fields. */
    public static byte[] writeWithoutNulls(Object value) {
        try {
            return WITHOUT_NULLS.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static <T> T read(byte[] json, Class<T> type) throws IOException {
        return MAPPER.readValue(json, type);
    }

    public static <T> T read(byte[] json, TypeReference<T> type) throws IOException {
        return MAPPER.readValue(json, type);
    }

    public static <T> T read(byte[] json, JavaType type) throws IOException {
        return MAPPER.readValue(json, type);
    }

    /** A message about a JSON failure that is safe to show: no stack trace, no body excerpt. */
    public static String describe(Exception e) {
        String message;
        if (e instanceof JsonProcessingException j) {
            message = j.getOriginalMessage();
        } else {
            message = e.getMessage();
        }
        return Text.safe(message == null ? e.getClass().getSimpleName() : message, 200);
    }

    private static final class InstantDeserializer extends StdScalarDeserializer<Instant> {
        private static final long serialVersionUID = 1L;

        InstantDeserializer() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getValueAsString();
            if (text == null) {
                return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
            }
            try {
                return Instant.parse(text.trim());
            } catch (DateTimeParseException e) {
                return (Instant) ctxt.handleWeirdStringValue(Instant.class, text, "not an ISO-8601 instant");
            }
        }
    }
}

package dev.openwork.host.transport.http.internal;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.jakarta.rs.json.JacksonJsonProvider;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import dev.openwork.host.api.auth.AdminAccess;
import dev.openwork.host.api.devices.DeviceRegistry;
import dev.openwork.host.api.identity.HostIdentity;
import dev.openwork.host.api.tasks.TaskState;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsExtension;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsName;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Everything the REST API shares: strict JSON, typed errors, the body limit. Registered as one
 * Feature rather than as separate whiteboard providers because a Jackson provider registered as a
 * whiteboard MessageBodyReader makes every request fail (see STACK.md, pitfall 1).
 */
@Component(service = Feature.class, configurationPid = RestFeature.PID)
@JakartarsExtension
@JakartarsName(RestFeature.NAME)
@Designate(ocd = RestFeature.Config.class)
public final class RestFeature implements Feature {

    static final String PID = "dev.openwork.host.transport.http";
    static final String NAME = "openwork.rest";
    /**
     * Every resource selects this feature: the whiteboard serves a resource only while the feature
     * is there, so no route ever answers without authentication and the origin checks (at start-up,
     * while the feature is reconfigured or its bundle updated).
     */
    static final String SELECT = "(osgi.jakartars.name=" + NAME + ")";
    /** Jersey answers errors with an entity instead of the container's HTML error page. */
    private static final String SET_STATUS_OVER_SEND_ERROR = "jersey.config.server.response.setStatusOverSendError";
    /** No JAXB here, so WADL cannot work; switching it off saves start-up time and a warning. */
    private static final Set<String> LOOPBACK_NAMES = Set.of("127.0.0.1", "localhost", "::1");
    private static final String DISABLE_WADL = "jersey.config.server.wadl.disableWadl";

    @ObjectClassDefinition(name = "OpenWork Host HTTP transport", description = "Limits of the REST API.")
    public @interface Config {
        @AttributeDefinition(name = "Largest request body (bytes)", min = "1")
        long maxBodyBytes() default 1024 * 1024;

        @AttributeDefinition(name = "Longest JSON string (characters)", min = "16")
        int maxJsonStringLength() default 256 * 1024;

        @AttributeDefinition(name = "Deepest JSON nesting", min = "4")
        int maxJsonNesting() default 64;
    }

    private volatile long maxBodyBytes;
    private final ObjectMapper mapper;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DeviceRegistry devices;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AdminAccess admin;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile HostIdentity identity;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    @Activate
    public RestFeature(Config config) {
        this.maxBodyBytes = config.maxBodyBytes();
        this.mapper = strictMapper(config.maxJsonStringLength(), config.maxJsonNesting());
    }

    @Modified
    void modified(Config config) {
        // Only the body limit changes live; the JSON limits are read when the API (re)starts.
        this.maxBodyBytes = config.maxBodyBytes();
    }

    @Override
    public boolean configure(FeatureContext context) {
        context.property(SET_STATUS_OVER_SEND_ERROR, Boolean.TRUE);
        context.property(DISABLE_WADL, Boolean.TRUE);
        context.register(new JacksonJsonProvider(mapper));
        context.register(new ErrorResponses());
        context.register(new BodyLimitFilter(() -> maxBodyBytes));
        ClientFailures failures = ClientFailures.on(() -> eventAdmin);
        context.register(new OriginGuard(this::allowedHostNames, failures));
        context.register(new CallerAuthenticator(() -> devices, () -> admin, failures));
        return true;
    }

    /** Names a client may put in the Host header: loopback, and the names in the host's certificate. */
    private Set<String> allowedHostNames() {
        Set<String> names = new HashSet<>(LOOPBACK_NAMES);
        HostIdentity current = identity;
        if (current != null) {
            names.add(current.hostName().toLowerCase(Locale.ROOT));
            current.endpoints().forEach(e -> names.add(e.address().toLowerCase(Locale.ROOT)));
        }
        return names;
    }

    static ObjectMapper strictMapper(int maxStringLength, int maxNesting) {
        SimpleModule instants = new SimpleModule("openwork-instants");
        instants.addSerializer(Instant.class, ToStringSerializer.instance);
        // task states travel as the lower-case names clients see everywhere (queued, running, ...)
        instants.addSerializer(TaskState.class, new com.fasterxml.jackson.databind.ser.std.StdSerializer<TaskState>(TaskState.class) {
            private static final long serialVersionUID = 1L;

            @Override
            public void serialize(TaskState value, com.fasterxml.jackson.core.JsonGenerator generator,
                    com.fasterxml.jackson.databind.SerializerProvider provider) throws java.io.IOException {
                generator.writeString(value.name().toLowerCase(Locale.ROOT));
            }
        });
        JsonMapper mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .addModule(instants)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(maxStringLength).maxNestingDepth(maxNesting).build());
        return mapper;
    }
}

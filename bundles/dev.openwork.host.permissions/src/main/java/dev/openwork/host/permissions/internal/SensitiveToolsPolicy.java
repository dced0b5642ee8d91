package dev.openwork.host.permissions.internal;

import dev.openwork.host.api.permissions.PolicyAnswer;
import dev.openwork.host.api.permissions.ToolPolicy;
import dev.openwork.host.api.tasks.ToolCall;
import dev.openwork.host.api.tasks.ToolGate;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Sensitive tools ask by default: commands that reach the network ({@code curl}, {@code git push},
 * {@code npm install}, ...), that escalate privileges ({@code sudo}, {@code su}, ...), and writes to
 * dotfiles or credential files ({@code .env}, {@code ~/.ssh/...}, {@code id_rsa}, {@code *.pem}) as
 * well as reads of credential files. Each list is configurable, and so is whether these calls are
 * asked about or denied. Ranks highest of the built-in policies, so its questions are not
 * overruled by the command rules' or the jail's allows.
 */
@Component(service = ToolPolicy.class, configurationPid = SensitiveToolsPolicy.PID,
        property = {ToolPolicy.NAME + "=" + SensitiveToolsPolicy.NAME, Constants.SERVICE_RANKING + ":Integer=300"})
@Designate(ocd = SensitiveToolsPolicy.Config.class)
public final class SensitiveToolsPolicy implements ToolPolicy {

    static final String PID = "dev.openwork.host.permissions.sensitive";
    static final String NAME = "sensitive-tools";
    /** Commands whose last argument is where they write. */
    private static final Set<String> COPIERS = Set.of("cp", "mv", "install", "ln", "rsync", "scp");

    @ObjectClassDefinition(name = "OpenWork Host sensitive tools",
            description = "Network access, privilege escalation, dotfiles and credentials.")
    public @interface Config {
        @AttributeDefinition(name = "What to do", options = {@Option(label = "Ask", value = "ask"),
                @Option(label = "Deny", value = "deny")})
        String action() default "ask";

        @AttributeDefinition(name = "Network commands", description = "Command patterns (* any text); each command "
                + "of a bash line is matched. Comma-separated in a .cfg file.")
        String[] networkCommands() default {"curl *", "wget *", "ssh *", "scp *", "sftp *", "rsync *", "nc *", "ncat *",
            "netcat *", "socat *", "telnet *", "ftp *", "git clone *", "git fetch *", "git pull *", "git push *",
            "git ls-remote *", "git submodule *", "npm install *", "npm i *", "npm ci *", "npm publish *", "pnpm install *",
            "pnpm add *", "yarn add *", "yarn install *", "pip install *", "pip3 install *", "uv pip install *",
            "cargo install *", "go get *", "go install *", "gem install *", "docker pull *", "docker push *",
            "docker login *", "apt install *", "apt-get install *", "brew install *", "gh *", "aws *", "gcloud *", "az *"};

        @AttributeDefinition(name = "Privilege escalation", description = "Command patterns. Comma-separated in a .cfg file.")
        String[] privilegeCommands() default {"sudo *", "su *", "doas *", "pkexec *", "runuser *", "chroot *", "setcap *",
            "chmod +s *", "chmod u+s *", "chmod g+s *", "chown root *", "mount *", "nsenter *"};

        @AttributeDefinition(name = "Credential files", description = "File name patterns, matched without regard to "
                + "case. Reading or writing them is sensitive. Comma-separated in a .cfg file.")
        String[] credentialFiles() default {".env", ".env.*", "*.pem", "*.key", "*.p12", "*.pfx", "*.jks", "*.keystore",
            "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*", ".netrc", ".npmrc", ".pypirc", ".git-credentials", ".pgpass",
            "credentials", "credentials.*", "*.kdbx", ".htpasswd", "secrets.*"};

        @AttributeDefinition(name = "Writes to dotfiles", description = "Whether writing a file in a dot folder or "
                + "named with a leading dot (.bashrc, .git/config, .github/workflows/...) is sensitive.")
        boolean dotfileWrites() default true;
    }

    /** The configuration, read once. */
    record Settings(boolean deny, List<String> network, List<String> privilege, List<String> credentials,
            boolean dotfileWrites) {
        static Settings of(Config config) {
            return new Settings("deny".equals(config.action().strip().toLowerCase(Locale.ROOT)),
                    ConfigLists.items(config.networkCommands()), ConfigLists.items(config.privilegeCommands()),
                    ConfigLists.items(config.credentialFiles()).stream().map(p -> p.toLowerCase(Locale.ROOT)).toList(),
                    config.dotfileWrites());
        }
    }

    private volatile Settings settings;

    @Activate
    public SensitiveToolsPolicy(Config config) {
        this(Settings.of(config));
    }

    SensitiveToolsPolicy(Settings settings) {
        this.settings = settings;
    }

    @Modified
    void modified(Config config) {
        this.settings = Settings.of(config);
    }

    @Override
    public PolicyAnswer evaluate(ToolGate.ToolRequest request) {
        Settings s = settings;
        ToolCall call = request.call();
        Path workspace = Path.of(request.workspace());
        String reason = ToolCall.BASH.equals(call.tool()) ? command(s, call.command())
                : file(s, call, workspace);
        if (reason == null) {
            return PolicyAnswer.abstain();
        }
        return s.deny() ? PolicyAnswer.deny(reason) : PolicyAnswer.ask(reason);
    }

    private static String command(Settings s, String command) {
        for (CommandLine.Segment segment : CommandLine.parse(command)) {
            String shown = ToolCalls.cut(segment.text(), 120);
            for (String pattern : s.privilege()) {
                if (segment.matches(pattern)) {
                    return "it escalates privileges: " + shown;
                }
            }
            for (String pattern : s.network()) {
                if (segment.matches(pattern)) {
                    return "it reaches the network: " + shown;
                }
            }
            for (String target : writeTargets(segment)) {
                String problem = written(s, target);
                if (problem != null) {
                    return "it " + problem + ": " + shown;
                }
            }
            for (String word : segment.words()) {
                if (isCredential(s, word)) {
                    return "it touches a credential file: " + shown;
                }
            }
        }
        return null;
    }

    /** Where a command writes, as far as its text says: redirections, tee's files, a copy's destination. */
    private static List<String> writeTargets(CommandLine.Segment segment) {
        List<String> targets = new java.util.ArrayList<>(segment.redirects());
        List<String> words = segment.commandWords();
        if (words.isEmpty()) {
            return targets;
        }
        List<String> arguments = words.subList(1, words.size()).stream().filter(w -> !w.startsWith("-")).toList();
        if (words.get(0).equals("tee")) {
            targets.addAll(arguments);
        } else if (COPIERS.contains(words.get(0)) && arguments.size() >= 2) {
            targets.add(arguments.get(arguments.size() - 1));
        } else if (words.get(0).equals("dd")) {
            words.stream().filter(w -> w.startsWith("of=")).forEach(w -> targets.add(w.substring(3)));
        }
        return targets;
    }

    private static String file(Settings s, ToolCall call, Path workspace) {
        if (call.path() == null) {
            return null;
        }
        String shown = ToolCalls.displayPath(call.path(), workspace);
        if (ToolCall.READ.equals(call.tool())) {
            return isCredential(s, call.path()) ? "it reads a credential file: " + shown : null;
        }
        String problem = written(s, call.path());
        return problem == null ? null : "it " + problem + ": " + shown;
    }

    /** Why writing {@code path} is sensitive, or {@code null}. */
    private static String written(Settings s, String path) {
        if (isCredential(s, path)) {
            return "writes a credential file";
        }
        if (s.dotfileWrites() && isDotfile(path)) {
            return "writes to a dotfile";
        }
        return null;
    }

    static boolean isDotfile(String path) {
        for (String part : path.replace('\\', '/').split("/")) {
            if (part.startsWith(".") && !part.equals(".") && !part.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isCredential(Settings s, String path) {
        String normalized = path.replace('\\', '/');
        String name = normalized.substring(normalized.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
            return false;
        }
        for (String pattern : s.credentials()) {
            if (Wildcard.matches(pattern, name)) {
                return true;
            }
        }
        return false;
    }
}

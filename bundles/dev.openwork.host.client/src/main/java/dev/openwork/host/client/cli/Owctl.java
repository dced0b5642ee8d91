package dev.openwork.host.client.cli;

import java.util.stream.Collectors;
import dev.openwork.host.client.HostBrowser;
import dev.openwork.host.client.DiscoveryStatus;
import dev.openwork.host.client.DiscoveredHost;
import dev.openwork.host.api.devices.Device;
import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.health.HealthReport;
import dev.openwork.host.api.health.HealthStatus;
import dev.openwork.host.api.pairing.PairingResult;
import dev.openwork.host.api.pairing.PairingWindow;
import dev.openwork.host.api.pairing.PendingPairing;
import dev.openwork.host.client.ConnectLink;
import dev.openwork.host.client.CredentialStore;
import dev.openwork.host.client.EventStream;
import dev.openwork.host.client.Fingerprints;
import dev.openwork.host.client.HostAddress;
import dev.openwork.host.client.HostClient;
import dev.openwork.host.client.HostClientException;
import dev.openwork.host.client.HostClientException.Kind;
import dev.openwork.host.client.HostEventListener;
import dev.openwork.host.client.KnownHost;
import dev.openwork.host.client.LocalAdminClient;
import dev.openwork.host.client.PairingClient;
import dev.openwork.host.client.PairingCode;
import dev.openwork.host.client.ServerEvent;
import dev.openwork.host.client.cli.Args.UsageException;
import dev.openwork.host.client.internal.Text;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;

/**
 * {@code owctl}: pair with an OpenWork host, list and check paired hosts, run and follow tasks on
 * them, and administer a host from the host itself. Exit codes: 0 success, 1 failure (for
 * {@code run} and {@code logs -f}: the task did not succeed), 2 usage error.
 */
public final class Owctl {

    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;

    static final String USAGE_TEXT = """
            Usage: owctl <command> [options]

            On a device:
              discover [--timeout S] [--watch]
                                   list the hosts on this network (mDNS): name, addresses, pairing flag,
                                   fingerprint prefix; --watch prints hosts as they come and go
              pair [<host[:port]> | <openwork-host://link>]  [--name NAME] [--code CODE] [--scopes a,b]
                                   pair with a host while its pairing window is open; without an address
                                   it discovers the hosts with an open window and offers them
              hosts                list the hosts this user paired with
              status [HOST]        check a paired host's health (all hosts when none is named)
              events [HOST]        print the host's events as they come (Ctrl-C to stop)
              forget HOST          forget a paired host and its credential (HOST: id or name)

            Tasks on a paired host (--host HOST picks it when several are paired):
              run [--runtime shell] [--workspace DIR] [--timeout SECONDS] [--steps FILE] [--detach] -- <command...>
                                   run the command (or the steps in FILE, a JSON array such as
                                   [{"tool":"bash","command":"make"}]) in DIR (default: the current
                                   directory) and follow it; exits 0 when it succeeded, 1 when it failed,
                                   was cancelled or interrupted; --detach prints the task id instead
              tasks [--state S[,S...]] [--limit N]
                                   list this device's tasks, newest first (states: queued, running,
                                   waiting_permission, succeeded, failed, cancelled, interrupted)
              logs [-f] TASK-ID    print a task's log: its stdout to stdout, its stderr and tool calls
                                   (» bash: ...) to stderr; -f follows it live until it ends (exit 0
                                   when it succeeded, else 1)
              cancel TASK-ID       cancel a queued or running task

            Permission questions of this device's tasks (at a terminal, run and logs -f ask inline):
              permissions          list the open questions: what the call does, why it is asked, time left
              approve ID [--always] [--message TEXT]
                                   let the call run (--always: and calls like it in that workspace)
              reject ID [--message TEXT]
                                   refuse it; the task sees the refusal with the message

            On the host (talks to its local listener on 127.0.0.1):
              admin pairing-open [--minutes N] [--scopes a,b] [--name-hint X]
                                   open a pairing window (1-5 minutes) and print the code and link
              admin pending        list devices that wait for approval
              admin approve ID [--scopes a,b]
              admin deny ID
              admin devices        list paired devices
              admin revoke DEVICE-ID
              admin discovery [mdns|manual]
                                   show how clients find the host (and its connect links), or switch
              admin login          print a one-time link that signs a browser on this machine in to the
                                   host's web page (valid 2 minutes, works once)
              admin options: --data DIR (the host's data folder; default $OPENWORK_HOST_DATA, else
                             <host home>/data), --port N (default $OPENWORK_HOST_PORT, else 4747)

            Paired hosts are kept in $XDG_CONFIG_HOME/openwork/hosts.json (~/.config/openwork by default;
            $OWCTL_CONFIG_DIR overrides the folder).
            """;

    /** Reads a line from the user; {@code null} at end of input. */
    interface Prompt {
        String readLine(String prompt);

        /** Whether someone can answer (a terminal). */
        boolean interactive();
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final PrintStream out;
    private final PrintStream err;
    private final Prompt prompt;
    private final Map<String, String> env;
    private final String home;
    private final boolean errIsTerminal;

    Owctl(PrintStream out, PrintStream err, Prompt prompt, Map<String, String> env, String home) {
        this(out, err, prompt, env, home, false);
    }

    /** @param errIsTerminal whether stderr is a terminal (then task commands keep a status line there) */
    Owctl(PrintStream out, PrintStream err, Prompt prompt, Map<String, String> env, String home, boolean errIsTerminal) {
        this.out = out;
        this.err = err;
        this.prompt = prompt;
        this.env = env;
        this.home = home;
        this.errIsTerminal = errIsTerminal;
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        int code = new Owctl(out, err, systemPrompt(out), System.getenv(), System.getProperty("openwork.host.home"),
                stderrIsTerminal(System.getenv())).run(args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    int run(String... argv) {
        List<String> words = Arrays.asList(argv);
        if (words.isEmpty()) {
            err.print(USAGE_TEXT);
            return USAGE;
        }
        int dash = words.indexOf("--");
        List<String> ownWords = dash < 0 ? words : words.subList(0, dash); // what follows -- is a task's command
        if (ownWords.contains("--help") || ownWords.contains("-h")) {
            out.print(USAGE_TEXT);
            return OK;
        }
        String command = words.get(0);
        List<String> rest = words.subList(1, words.size());
        try {
            switch (command) {
                case "help":
                case "--help":
                case "-h":
                    out.print(USAGE_TEXT);
                    return OK;
                case "pair":
                    return pair(rest);
                case "discover":
                    return discover(rest);
                case "hosts":
                    return hosts(rest);
                case "status":
                    return status(rest);
                case "events":
                    return events(rest);
                case "forget":
                    return forget(rest);
                case "run":
                    return taskCommands().run(rest);
                case "tasks":
                    return taskCommands().tasks(rest);
                case "logs":
                    return taskCommands().logs(rest);
                case "cancel":
                    return taskCommands().cancel(rest);
                case "permissions":
                    return new PermissionCommands(this, out).list(rest);
                case "approve":
                    return new PermissionCommands(this, out).approve(rest);
                case "reject":
                    return new PermissionCommands(this, out).reject(rest);
                case "admin":
                    return admin(rest);
                default:
                    throw new UsageException("unknown command '" + Text.safe(command, 40) + "'");
            }
        } catch (UsageException e) {
            err.println("owctl: " + e.getMessage());
            err.println("Run 'owctl help' for usage.");
            return USAGE;
        } catch (HostClientException e) {
            report(e);
            return e.kind() == Kind.INVALID_INPUT ? USAGE : FAILURE;
        } catch (RuntimeException e) {
            err.println("owctl: unexpected failure: " + Text.safe(String.valueOf(e), 300));
            err.println("  What to do: try again; if it persists, report it with the command you ran.");
            return FAILURE;
        }
    }

    private void report(HostClientException e) {
        err.println("owctl: " + Text.safe(e.getMessage(), 1000));
        if (e.action() != null) {
            err.println("  What to do: " + Text.safe(e.action(), 1000));
        }
    }

    // ---- pair -----------------------------------------------------------------------------------

    private int pair(List<String> words) throws UsageException {
        Args args = Args.parse(words, Set.of("--name", "--code", "--scopes", "--timeout"), Set.of("--help"));
        args.expectPositionals(0, 1, "pair takes one host[:port] or openwork-host:// link, or nothing to discover hosts");
        HostAddress address;
        String fingerprint = null;
        String code = null;
        DiscoveredHost discovered = null;
        if (args.positionals.isEmpty()) {
            discovered = chooseDiscoveredHost(args.intOption("--timeout", 1, 60, 5));
            address = discovered.primaryAddress();
        } else if (ConnectLink.isLink(args.positionals.get(0))) {
            String target = args.positionals.get(0);
            ConnectLink link = ConnectLink.parse(target);
            address = link.address();
            fingerprint = link.fingerprint();
            code = link.code();
        } else {
            address = HostAddress.parse(args.positionals.get(0), HostAddress.DEFAULT_LAN_PORT);
        }
        boolean codeGiven = args.option("--code") != null;
        if (codeGiven) {
            code = PairingCode.normalize(args.option("--code"));
            if (code == null) {
                throw new UsageException("--code must be the 8 digits the host shows");
            }
        }
        String name = args.option("--name") == null ? defaultDeviceName() : args.option("--name").strip();
        List<String> scopes = args.option("--scopes") == null ? new ArrayList<>(new TreeSet<>(Scopes.DEFAULT_DEVICE))
                : args.listOption("--scopes");
        for (String scope : scopes) {
            if (!Scopes.isValid(scope)) {
                throw new UsageException("unknown scope '" + Text.safe(scope, 40) + "'; known scopes: "
                        + String.join(", ", new TreeSet<>(Scopes.ALL))
                        + ", runtime:<name>, runtime:*, workspace:<absolute directory>, workspace:*");
            }
        }
        PairingClient.checkDevice(name, "cli", scopes);
        CredentialStore store = CredentialStore.locate(env);

        out.println("Connecting to " + address + "...");
        PairingClient client = discovered != null ? PairingClient.forDiscoveredHost(discovered, address)
                : new PairingClient(address, fingerprint);
        String spki = client.probeHostKey();
        out.println("Host key fingerprint: " + Fingerprints.grouped(spki));
        if (discovered != null) {
            out.println("  It matches the fingerprint the host advertised (" + discovered.fingerprintPrefix() + "...).");
            out.println("  Check that it matches the fingerprint the host shows.");
        } else if (fingerprint != null) {
            out.println("  It matches the fingerprint in the link.");
        } else {
            out.println("  Check that it matches the fingerprint the host shows (the fp= part of its connect link).");
        }
        int attempts = 0;
        while (true) {
            attempts++;
            if (code == null) {
                code = askCode(attempts == 1 ? "Pairing code shown on the host: " : "New code shown on the host: ");
                if (code == null) {
                    throw new HostClientException(Kind.INVALID_INPUT, "No pairing code was given.",
                            "Type the 8 digits the host shows, or pass --code CODE.");
                }
            }
            try {
                KnownHost host = client.pair(new PairingClient.Request(code, name, "cli", scopes), new PairingProgress());
                store.save(host);
                out.println("Paired with " + Text.safe(host.hostName(), 100) + " as device " + Text.safe(host.deviceId(), 100)
                        + ".");
                out.println("  Scopes: " + (host.scopes().isEmpty() ? "(none)" : String.join(", ", host.scopes())));
                out.println("  Saved to " + store.file() + ". Check it with: owctl status " + host.hostId());
                return OK;
            } catch (HostClientException e) {
                if (e.kind() == Kind.WRONG_CODE && attempts < 3 && prompt.interactive()) {
                    report(e);
                    code = null;
                    continue;
                }
                throw e;
            }
        }
    }

    /** Browses the LAN and picks the host to pair with: the only one with an open window, or the user's choice. */
    private DiscoveredHost chooseDiscoveredHost(int timeoutSeconds) {
        out.println("Looking for hosts on the network (up to " + timeoutSeconds + " s)...");
        List<DiscoveredHost> hosts;
        try (HostBrowser browser = HostBrowser.start()) {
            hosts = browser.await(Duration.ofSeconds(timeoutSeconds), found -> found.stream().anyMatch(DiscoveredHost::pairingOpen));
            List<DiscoveredHost> open = hosts.stream().filter(DiscoveredHost::pairingOpen).toList();
            if (open.size() > 1 || (open.size() == 1 && hosts.size() > 1)) {
                // others may still answer: give them a moment so the user sees the whole choice
                hosts = browser.await(Duration.ofMillis(1500), found -> false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostClientException(Kind.INVALID_INPUT, "Discovery was interrupted.", "Run owctl pair again.");
        }
        List<DiscoveredHost> open = hosts.stream().filter(DiscoveredHost::pairingOpen).toList();
        if (open.isEmpty()) {
            String seen = hosts.isEmpty() ? "No host answered."
                    : "Found " + hosts.stream().map(h -> Text.safe(h.instanceName(), 64)).collect(Collectors.joining(", "))
                            + ", but none has a pairing window open.";
            throw new HostClientException(Kind.UNREACHABLE, seen,
                    "Open a pairing window on the host (pairing:open in its console, or the web page) and run owctl pair "
                            + "again; where multicast is blocked, pair with the connect link the host shows.");
        }
        if (open.size() == 1) {
            DiscoveredHost host = open.get(0);
            out.println("Found " + Text.safe(host.instanceName(), 64) + " at " + host.primaryAddress()
                    + " with its pairing window open.");
            return host;
        }
        for (int i = 0; i < open.size(); i++) {
            out.println("  " + (i + 1) + ") " + describe(open.get(i)));
        }
        if (!prompt.interactive()) {
            throw new HostClientException(Kind.INVALID_INPUT, open.size() + " hosts have a pairing window open.",
                    "Run owctl pair <address> with the address of the one you mean.");
        }
        for (int tries = 0; tries < 3; tries++) {
            String line = prompt.readLine("Pair with which host (1-" + open.size() + ")? ");
            if (line == null) {
                break;
            }
            try {
                int choice = Integer.parseInt(line.strip());
                if (choice >= 1 && choice <= open.size()) {
                    return open.get(choice - 1);
                }
            } catch (NumberFormatException e) {
                // asked again below
            }
            err.println("Type a number from 1 to " + open.size() + ".");
        }
        throw new HostClientException(Kind.INVALID_INPUT, "No host was chosen.", "Run owctl pair <address> instead.");
    }

    private static String describe(DiscoveredHost host) {
        return Text.safe(host.instanceName(), 64) + "  " + host.addresses().stream().map(HostAddress::toString)
                .collect(Collectors.joining(", ")) + "  pairing " + (host.pairingOpen() ? "OPEN" : "closed") + "  fp "
                + host.fingerprintPrefix() + "...  id " + host.hostId();
    }

    private int discover(List<String> words) throws UsageException {
        Args args = Args.parse(words, Set.of("--timeout"), Set.of("--help", "--watch"));
        args.expectPositionals(0, 0, "discover takes only options");
        int timeout = args.intOption("--timeout", 1, 3600, args.flag("--watch") ? 3600 : 3);
        try (HostBrowser browser = HostBrowser.start()) {
            if (args.flag("--watch")) {
                out.println("Watching for hosts for " + timeout + " s (Ctrl-C to stop)...");
                browser.addListener(new HostBrowser.Listener() {
                    @Override
                    public void found(DiscoveredHost host) {
                        out.println(clock() + " + " + describe(host));
                    }

                    @Override
                    public void lost(DiscoveredHost host) {
                        out.println(clock() + " - " + Text.safe(host.instanceName(), 64) + "  id " + host.hostId() + "  (gone)");
                    }
                });
                browser.await(Duration.ofSeconds(timeout), found -> false);
                return OK;
            }
            List<DiscoveredHost> hosts = browser.await(Duration.ofSeconds(timeout), found -> false);
            if (hosts.isEmpty()) {
                out.println("No OpenWork host answered within " + timeout + " s.");
                out.println("  If the host runs, multicast may be blocked on this network: pair with the connect link the "
                        + "host shows (owctl pair 'openwork-host://...'), or switch the host to manual discovery.");
                return FAILURE;
            }
            for (DiscoveredHost host : hosts) {
                out.println(describe(host));
            }
            return OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FAILURE;
        }
    }

    private static String clock() {
        return java.time.LocalTime.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
    }

    private String askCode(String question) {
        for (int i = 0; i < 3; i++) {
            String line = prompt.readLine(question);
            if (line == null) {
                return null;
            }
            String code = PairingCode.normalize(line);
            if (code != null) {
                return code;
            }
            err.println("The code is 8 digits, e.g. 1234 5678.");
        }
        return null;
    }

    /** Prints each pairing step. */
    private final class PairingProgress implements PairingClient.Progress {
        private boolean waitingShown;

        @Override
        public void started(String pairingId, String hostId, String hostName) {
            out.println("Host: " + Text.safe(hostName, 100) + " (id " + Text.safe(hostId, 64) + ")");
        }

        @Override
        public void verifying(String pairingId) {
            out.println("Verifying code...");
        }

        @Override
        public void verified(String pairingId, String status) {
            out.println("Code verified: the host knows the code and saw the same key.");
            if (PairingResult.APPROVED.equals(status)) {
                out.println("The host pre-approved this device.");
            }
        }

        @Override
        public void waiting(String pairingId, Duration elapsed) {
            if (!waitingShown) {
                waitingShown = true;
                out.println("Waiting for approval on the host (approve with pairing:approve " + Text.safe(pairingId, 128)
                        + " in the host console, or owctl admin approve " + Text.safe(pairingId, 128) + " there)...");
            } else {
                out.println("  still waiting (" + duration(elapsed) + ")...");
            }
        }
    }

    private String defaultDeviceName() {
        String user = env.getOrDefault("USER", System.getProperty("user.name", "user"));
        String machine = env.get("HOSTNAME");
        if (machine == null || machine.isBlank()) {
            try {
                machine = InetAddress.getLocalHost().getHostName();
            } catch (IOException | RuntimeException e) {
                machine = "cli";
            }
        }
        String name = Text.safe(user + "@" + machine, 64).replace("\u2026", "");
        return name.length() > 64 ? name.substring(0, 64) : name;
    }

    // ---- hosts, status, events, forget ---------------------------------------------------------

    private int hosts(List<String> words) throws UsageException {
        Args args = Args.parse(words, Set.of(), Set.of("--help"));
        args.expectPositionals(0, 0, "hosts takes no arguments");
        CredentialStore store = CredentialStore.locate(env);
        warnIfExposed(store);
        List<KnownHost> hosts = store.list();
        if (hosts.isEmpty()) {
            out.println("No paired hosts. Pair with: owctl pair <host[:port]> (while the host's pairing window is open)");
            return OK;
        }
        for (KnownHost h : hosts) {
            out.println(Text.safe(h.hostName(), 100) + " (" + h.hostId() + ")");
            out.println("  address      " + h.hostAddress());
            out.println("  device       " + Text.safe(h.deviceId(), 100));
            out.println("  scopes       " + (h.scopes().isEmpty() ? "(none)" : String.join(", ", h.scopes())));
            out.println("  paired       " + time(h.pairedAt()));
            out.println("  fingerprint  " + Fingerprints.grouped(h.spkiSha256()));
        }
        return OK;
    }

    private int status(List<String> words) throws UsageException {
        Args args = Args.parse(words, Set.of(), Set.of("--help"));
        args.expectPositionals(0, 1, "status takes at most one host (id or name)");
        CredentialStore store = CredentialStore.locate(env);
        List<KnownHost> targets = targets(store, args.positionals.isEmpty() ? null : args.positionals.get(0));
        int result = OK;
        for (KnownHost h : targets) {
            String label = Text.safe(h.hostName(), 100) + " (" + h.hostAddress() + ")";
            try {
                HealthReport report = HostClient.of(h).health();
                out.println(label + ": " + report.status() + ", version " + Text.safe(report.version(), 40) + ", up "
                        + duration(Duration.ofSeconds(Math.max(0, report.uptimeSeconds()))));
                for (HealthCheckResult check : report.checks()) {
                    out.println(String.format("  %-8s %-14s %s", check.status(), Text.safe(check.name(), 40),
                            Text.safe(check.cause(), 300)));
                    if (check.action() != null) {
                        out.println(String.format("  %-8s %-14s -> %s", "", "", Text.safe(check.action(), 300)));
                    }
                }
                if (report.status() == HealthStatus.CRITICAL) {
                    result = FAILURE;
                }
            } catch (HostClientException e) {
                err.println(label + ":");
                report(e);
                result = FAILURE;
            }
        }
        return result;
    }

    private int events(List<String> words) throws UsageException {
        Args args = Args.parse(words, Set.of(), Set.of("--help"));
        args.expectPositionals(0, 1, "events takes at most one host (id or name)");
        CredentialStore store = CredentialStore.locate(env);
        List<KnownHost> targets = targets(store, args.positionals.isEmpty() ? null : args.positionals.get(0));
        if (targets.size() != 1) {
            throw new UsageException("several hosts are paired: name one (owctl hosts lists them)");
        }
        KnownHost host = targets.get(0);
        CountDownLatch done = new CountDownLatch(1);
        int[] exit = {OK};
        EventStream stream = HostClient.of(host).events(new HostEventListener() {
            @Override
            public void onEvent(ServerEvent event) {
                out.println((event.id() == null ? "" : "[" + Text.safe(event.id(), 64) + "] ") + Text.safe(event.event(), 64)
                        + ": " + Text.safe(event.data(), 4000));
            }

            @Override
            public void onOpen() {
                err.println("Connected to " + host.hostAddress() + "; waiting for events (Ctrl-C to stop).");
            }

            @Override
            public void onReconnecting(Duration delay, String cause) {
                err.println("Connection lost (" + Text.safe(cause, 200) + "); reconnecting in " + delay.toMillis() + " ms...");
            }

            @Override
            public void onClosed(CloseReason reason, String message) {
                if (reason != CloseReason.CLOSED) {
                    err.println("owctl: the event stream stopped: " + Text.safe(message, 300) + ".");
                    exit[0] = FAILURE;
                }
                done.countDown();
            }
        }, null);
        Runtime.getRuntime().addShutdownHook(new Thread(stream::close));
        try {
            done.await();
        } catch (InterruptedException e) {
            stream.close();
            Thread.currentThread().interrupt();
        }
        return exit[0];
    }

    private int forget(List<String> words) throws UsageException {
        Args args = Args.parse(words, Set.of(), Set.of("--help"));
        args.expectPositionals(1, 1, "forget needs one host (id or name)");
        CredentialStore store = CredentialStore.locate(env);
        KnownHost host = store.find(args.positionals.get(0)).orElseThrow(() -> unknownHost(args.positionals.get(0)));
        store.remove(host.hostId());
        out.println("Forgot " + Text.safe(host.hostName(), 100) + " (" + host.hostId() + ") and its credential.");
        out.println("  The host still lists this device (" + Text.safe(host.deviceId(), 100) + ") until its admin revokes it: "
                + "owctl admin revoke " + Text.safe(host.deviceId(), 100) + " on the host.");
        return OK;
    }

    private TaskCommands taskCommands() {
        return new TaskCommands(this, prompt, out, err, errIsTerminal, Path.of(System.getProperty("user.dir", ".")));
    }

    Map<String, String> env() {
        return env;
    }

    List<KnownHost> targets(CredentialStore store, String key) {
        if (key != null) {
            return List.of(store.find(key).orElseThrow(() -> unknownHost(key)));
        }
        List<KnownHost> all = store.list();
        if (all.isEmpty()) {
            throw new HostClientException(Kind.INVALID_INPUT, "No paired hosts.",
                    "Pair first: owctl pair <host[:port]> while the host's pairing window is open.");
        }
        return all;
    }

    private static HostClientException unknownHost(String key) {
        return new HostClientException(Kind.INVALID_INPUT, "No paired host is called '" + Text.safe(key, 64) + "'.",
                "owctl hosts lists the paired hosts by name and id.");
    }

    private void warnIfExposed(CredentialStore store) {
        if (store.readableByOthers()) {
            err.println("owctl: warning: " + store.directory() + " or its hosts.json can be read by other users; "
                    + "run: chmod 700 " + store.directory() + " && chmod 600 " + store.file());
        }
    }

    // ---- admin ----------------------------------------------------------------------------------

    private int admin(List<String> words) throws UsageException {
        if (words.isEmpty()) {
            throw new UsageException("admin needs a subcommand: pairing-open, pending, approve, deny, devices, revoke, discovery, login");
        }
        String sub = words.get(0);
        Args args = Args.parse(words.subList(1, words.size()),
                Set.of("--data", "--port", "--minutes", "--scopes", "--name-hint"), Set.of("--help"));
        switch (sub) {
            case "pairing-open": {
                args.expectPositionals(0, 0, "admin pairing-open takes only options");
                int minutes = args.intOption("--minutes", 1, 5, 5);
                List<String> scopes = args.listOption("--scopes");
                String hint = args.option("--name-hint");
                if (hint != null && (hint.isBlank() || hint.length() > 64)) {
                    throw new UsageException("--name-hint must be 1 to 64 characters");
                }
                PairingWindow window = adminClient(args).openWindow(minutes, scopes, hint);
                out.println("Pairing window open until " + time(window.closesAt()) + ".");
                String code = window.code() == null ? "" : window.code();
                out.println("  Code:          " + (code.length() == 8 ? code.substring(0, 4) + " " + code.substring(4)
                        : Text.safe(code, 16)));
                out.println("  Connect link:  " + Text.safe(window.connectLink(), 300));
                if (window.preApprovedScopes() != null && !window.preApprovedScopes().isEmpty()) {
                    out.println("  Pre-approved:  " + String.join(", ", new TreeSet<>(window.preApprovedScopes())));
                } else {
                    out.println("  Each device waits for approval: owctl admin pending, then owctl admin approve ID.");
                }
                if (window.nameHint() != null) {
                    out.println("  Expected name: " + Text.safe(window.nameHint(), 64));
                }
                out.println("On the device run: owctl pair '" + Text.safe(window.connectLink(), 300) + "'");
                return OK;
            }
            case "pending": {
                args.expectPositionals(0, 0, "admin pending takes no arguments");
                List<PendingPairing> pending = adminClient(args).pending();
                if (pending.isEmpty()) {
                    out.println("No device waits for approval.");
                    return OK;
                }
                String row = "%-30s %-24s %-10s %-16s %-20s %s";
                out.println(String.format(row, "ID", "NAME", "PLATFORM", "ADDRESS", "SINCE", "SCOPES"));
                for (PendingPairing p : pending) {
                    out.println(String.format(row, Text.safe(p.pairingId(), 64),
                            Text.safe(p.deviceName(), 64), Text.safe(p.platform(), 32), Text.safe(p.address(), 64),
                            time(p.since()), p.requestedScopes() == null ? "" : Text.safe(String.join(",", p.requestedScopes()))));
                }
                return OK;
            }
            case "approve": {
                args.expectPositionals(1, 1, "admin approve needs one pairing id");
                String id = args.positionals.get(0);
                adminClient(args).approve(id, args.listOption("--scopes"));
                out.println("Approved " + Text.safe(id, 128) + ".");
                return OK;
            }
            case "deny": {
                args.expectPositionals(1, 1, "admin deny needs one pairing id");
                String id = args.positionals.get(0);
                adminClient(args).deny(id);
                out.println("Denied " + Text.safe(id, 128) + ".");
                return OK;
            }
            case "devices": {
                args.expectPositionals(0, 0, "admin devices takes no arguments");
                List<Device> devices = adminClient(args).devices();
                if (devices.isEmpty()) {
                    out.println("No paired devices.");
                    return OK;
                }
                String row = "%-26s %-24s %-10s %-20s %-20s %s";
                out.println(String.format(row, "ID", "NAME", "PLATFORM", "PAIRED", "LAST SEEN", "SCOPES"));
                for (Device d : devices) {
                    out.println(String.format(row, Text.safe(d.id(), 64),
                            Text.safe(d.name(), 64), Text.safe(d.platform(), 32), time(d.pairedAt()),
                            d.lastSeenAt() == null ? "never" : time(d.lastSeenAt()),
                            String.join(",", new TreeSet<>(d.scopes()))));
                }
                return OK;
            }
            case "revoke": {
                args.expectPositionals(1, 1, "admin revoke needs one device id");
                String id = args.positionals.get(0);
                adminClient(args).revoke(id);
                out.println("Revoked " + Text.safe(id, 128) + ": its credential stops working at once.");
                return OK;
            }
            case "discovery": {
                args.expectPositionals(0, 1, "admin discovery takes nothing, mdns or manual");
                LocalAdminClient client = adminClient(args);
                DiscoveryStatus status = args.positionals.isEmpty() ? client.discovery()
                        : client.useDiscovery(args.positionals.get(0));
                out.println("Discovery mode: " + Text.safe(status.mode(), 16) + (!status.running() ? " (not running)"
                        : status.working() ? " (working)" : " (NOT working)"));
                out.println("  " + Text.safe(status.cause(), 600));
                if (status.action() != null) {
                    out.println("  Action: " + Text.safe(status.action(), 600));
                }
                status.connectLinks().forEach(link -> out.println("  Connect link: " + Text.safe(link, 300)));
                return status.running() && status.working() ? OK : FAILURE;
            }
            case "login": {
                args.expectPositionals(0, 0, "admin login takes only options");
                LocalAdminClient.LoginLink link = adminClient(args).loginLink();
                out.println("Open this link in a browser on this machine before " + time(link.expiresAt()) + "; it works once:");
                out.println("  " + Text.safe(link.link(), 300));
                return OK;
            }
            default:
                throw new UsageException("unknown admin subcommand '" + Text.safe(sub, 40)
                        + "' (pairing-open, pending, approve, deny, devices, revoke, discovery, login)");
        }
    }

    private LocalAdminClient adminClient(Args args) throws UsageException {
        int port = args.intOption("--port", 1, 65535, 0);
        Path data = LocalAdminClient.dataDirectory(args.option("--data"), env, home);
        String token = LocalAdminClient.readAdminCredential(data);
        return new LocalAdminClient(LocalAdminClient.localPort(port, env, home), token,
                data.resolve(LocalAdminClient.TOKEN_FILE));
    }

    // ---- formatting -----------------------------------------------------------------------------

    static String time(Instant instant) {
        return instant == null ? "-" : TIME.format(instant.atZone(ZoneId.systemDefault()));
    }

    static String duration(Duration d) {
        long s = d.getSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m " + (s % 60) + "s";
        }
        if (s < 86400) {
            return (s / 3600) + "h " + (s % 3600 / 60) + "m";
        }
        return (s / 86400) + "d " + (s % 86400 / 3600) + "h";
    }

    /**
     * Whether stderr is a terminal: on Linux from what file descriptor 2 points to, elsewhere when
     * the JVM has a console; never with TERM=dumb.
     */
    static boolean stderrIsTerminal(Map<String, String> env) {
        if ("dumb".equals(env.get("TERM"))) {
            return false;
        }
        try {
            Path fd = Path.of("/proc/self/fd/2");
            if (java.nio.file.Files.isSymbolicLink(fd)) {
                String target = java.nio.file.Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: fall back to the console
        }
        return System.console() != null;
    }

    private static Prompt systemPrompt(PrintStream out) {
        Console console = System.console();
        if (console != null) {
            return new Prompt() {
                @Override
                public String readLine(String question) {
                    return console.readLine("%s", question);
                }

                @Override
                public boolean interactive() {
                    return true;
                }
            };
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        return new Prompt() {
            @Override
            public String readLine(String question) {
                out.print(question);
                out.flush();
                try {
                    return in.readLine();
                } catch (IOException e) {
                    return null;
                }
            }

            @Override
            public boolean interactive() {
                return false;
            }
        };
    }
}

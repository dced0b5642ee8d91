package dev.openwork.host.itests;

import dev.openwork.host.api.discovery.ServiceRecords;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * An attacker's advertisement, run as its own process inside a namespace: a TLS 1.3 listener with
 * a key of its own, advertised as {@code _openwork._tcp} with a real host's fingerprint prefix and
 * an open pairing window. Arguments: address, fingerprint prefix, host id, instance name. Prints
 * {@code READY <port>} once advertised; runs until its standard input closes.
 */
public final class SpoofedHost {

    private SpoofedHost() {
    }

    public static void main(String[] args) throws Exception {
        InetAddress address = InetAddress.getByName(args[0]);
        SSLServerSocket server = (SSLServerSocket) Tls.foreignServerContext("spoofed").getServerSocketFactory()
                .createServerSocket(0, 16, address);
        server.setEnabledProtocols(new String[] {"TLSv1.3"});
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket client = server.accept()) {
                    ((SSLSocket) client).startHandshake();
                } catch (IOException e) {
                    // the client refused our key: exactly what the test expects
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        Map<String, String> txt = new LinkedHashMap<>();
        txt.put(ServiceRecords.TXT_VERSION, "1");
        txt.put(ServiceRecords.API, "v1");
        txt.put(ServiceRecords.HOST_ID, args[2]);
        txt.put(ServiceRecords.FINGERPRINT, args[1]);
        txt.put(ServiceRecords.PAIRING, "1");
        txt.put(ServiceRecords.PORT, Integer.toString(server.getLocalPort()));
        try (JmDNS jmdns = JmDNS.create(address, "spoofer")) {
            jmdns.registerService(ServiceInfo.create(ServiceRecords.SERVICE_TYPE, args[3], server.getLocalPort(), 0, 0, txt));
            System.out.println("READY " + server.getLocalPort());
            while (System.in.read() >= 0) {
                // runs until the test closes stdin
            }
            jmdns.unregisterAllServices();
        }
        server.close();
        System.exit(0);
    }
}

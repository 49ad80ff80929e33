package dev.trilog.frontend;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The host a listener names to its clients when none was configured (Kafka's Metadata tells
 * clients where to connect next). A listener bound to every interface ({@code 0.0.0.0}) must not
 * name that: no client can connect to it. It names this machine's first non-loopback address
 * instead (IPv4 before IPv6), or, on a machine with none, its host name; behind NAT or in a
 * container the address must be configured (e.g. {@code kafka.advertised.host}).
 */
public final class AdvertisedHost {

    private static final Set<String> WILDCARDS = Set.of("", "0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0");

    private AdvertisedHost() {
    }

    /** Whether binding to {@code host} listens on every interface. */
    public static boolean isWildcard(String host) {
        return WILDCARDS.contains(host);
    }

    /** {@code listenHost} itself, unless it is a wildcard: then an address of this machine clients can reach. */
    public static String forListener(String listenHost) {
        return isWildcard(listenHost) ? choose(interfaceAddresses(), hostName()) : listenHost;
    }

    /** The first usable address of {@code addresses} (IPv4 first, in their order), else {@code hostName}, else loopback. */
    static String choose(List<InetAddress> addresses, Optional<String> hostName) {
        return addresses.stream()
                .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress() && !a.isAnyLocalAddress())
                .min(Comparator.comparing(a -> a instanceof Inet4Address ? 0 : 1))
                .map(InetAddress::getHostAddress)
                .or(() -> hostName)
                .orElse("127.0.0.1");
    }

    private static List<InetAddress> interfaceAddresses() {
        List<InetAddress> addresses = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nic.isUp() && !nic.isLoopback()) {
                    addresses.addAll(Collections.list(nic.getInetAddresses()));
                }
            }
        } catch (SocketException e) {
            // no interface list: fall back to the host name
        }
        return addresses;
    }

    private static Optional<String> hostName() {
        try {
            return Optional.of(InetAddress.getLocalHost().getHostName());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}

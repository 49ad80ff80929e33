package dev.trilog.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A listener on every interface names an address clients can connect to, never 0.0.0.0. */
class AdvertisedHostTest {

    @Test
    void aConcreteListenHostIsNamedAsItIs() {
        assertThat(AdvertisedHost.forListener("127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(AdvertisedHost.forListener("broker.example")).isEqualTo("broker.example");
    }

    @Test
    void aWildcardIsNeverNamed() {
        for (String wildcard : List.of("0.0.0.0", "::", "[::]", "")) {
            assertThat(AdvertisedHost.isWildcard(wildcard)).isTrue();
            assertThat(AdvertisedHost.forListener(wildcard)).as(wildcard)
                    .isNotIn("0.0.0.0", "::", "[::]", "", "0:0:0:0:0:0:0:0");
        }
    }

    @Test
    void theFirstRoutableAddressIsChosenIpv4First() throws Exception {
        List<InetAddress> addresses = List.of(InetAddress.getByName("::1"), InetAddress.getByName("fe80::1"),
                InetAddress.getByName("2001:db8::7"), InetAddress.getByName("127.0.0.1"),
                InetAddress.getByName("10.1.2.3"), InetAddress.getByName("192.168.0.9"));
        assertThat(AdvertisedHost.choose(addresses, Optional.of("box"))).isEqualTo("10.1.2.3");
        assertThat(AdvertisedHost.choose(addresses.subList(0, 3), Optional.of("box"))).isEqualTo("2001:db8:0:0:0:0:0:7");
    }

    @Test
    void withoutARoutableAddressTheHostNameThenLoopback() throws Exception {
        List<InetAddress> loopbackOnly = List.of(InetAddress.getByName("127.0.0.1"));
        assertThat(AdvertisedHost.choose(loopbackOnly, Optional.of("box"))).isEqualTo("box");
        assertThat(AdvertisedHost.choose(loopbackOnly, Optional.empty())).isEqualTo("127.0.0.1");
    }
}

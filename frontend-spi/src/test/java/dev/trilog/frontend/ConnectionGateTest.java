package dev.trilog.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionGateTest {

    private final List<String> refused = new ArrayList<>();

    private static InetAddress address(int last) throws Exception {
        return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
    }

    @Test
    void oneMoreThanThePerAddressLimitIsRefusedAndAReleaseLetsTheNextIn() throws Exception {
        ConnectionGate gate = new ConnectionGate("Test", new ConnectionLimits(0, 100, 2), "max", "per-ip", refused::add);

        assertThat(gate.admit(address(1))).isTrue();
        assertThat(gate.admit(address(1))).isTrue();
        assertThat(gate.admit(address(1))).isFalse();
        assertThat(gate.admit(address(2))).as("another address has its own count").isTrue();
        assertThat(refused).containsExactly("per-ip");

        gate.release(address(1));
        assertThat(gate.admit(address(1))).isTrue();
        assertThat(gate.open()).isEqualTo(3);
    }

    @Test
    void oneMoreThanTheTotalIsRefusedWithoutTakingItsAddressesRoom() throws Exception {
        ConnectionGate gate = new ConnectionGate("Test", new ConnectionLimits(0, 2, 1), "max", "per-ip", refused::add);

        assertThat(gate.admit(address(1))).isTrue();
        assertThat(gate.admit(address(2))).isTrue();
        assertThat(gate.admit(address(3))).isFalse();
        assertThat(refused).containsExactly("max");

        gate.release(address(1));
        assertThat(gate.admit(address(3))).as("the refusal left address 3's count at 0").isTrue();
        assertThat(gate.open()).isEqualTo(2);
    }

    @Test
    void withoutLimitsEverythingIsAdmittedAndCounted() throws Exception {
        ConnectionGate gate = new ConnectionGate("Test", ConnectionLimits.idleTimeout(0), "max", "per-ip", refused::add);
        for (int i = 0; i < 1000; i++) {
            assertThat(gate.admit(address(1))).isTrue();
        }
        gate.release(address(1));
        assertThat(gate.open()).isEqualTo(999);
        assertThat(refused).isEmpty();
    }
}

package dev.trilog.routing.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VhostNamesTest {

    @Test
    void namesInSlashAreThemselves() {
        String name = "orders";
        assertThat(VhostNames.qualify("/", name)).isSameAs(name);
        assertThat(VhostNames.vhostOf("orders")).isEqualTo("/");
        assertThat(VhostNames.localName(name)).isSameAs(name);
        assertThat(VhostNames.sibling("orders", "dlx")).isEqualTo("dlx");
        assertThat(VhostNames.describe("orders")).isEqualTo("'orders' in vhost '/'");
        // a name with the prefix but no second dot is no vhost's: SQS's "vhost.fifo"
        assertThat(VhostNames.vhostOf("vhost.fifo")).isEqualTo("/");
    }

    @Test
    void anotherVhostsNamesAreLegalTopicNamesThatSayTheirVhost() {
        assertThat(VhostNames.qualify("dev", "orders")).isEqualTo("vhost.dev.orders");
        assertThat(VhostNames.qualify("dev", "amq.gen-x.y")).isEqualTo("vhost.dev.amq.gen-x.y");
        assertThat(VhostNames.vhostOf("vhost.dev.amq.gen-x.y")).isEqualTo("dev");
        assertThat(VhostNames.localName("vhost.dev.amq.gen-x.y")).isEqualTo("amq.gen-x.y");
        assertThat(VhostNames.sibling("vhost.dev.orders", "dlx")).isEqualTo("vhost.dev.dlx");
        assertThat(VhostNames.describe("vhost.dev.orders")).isEqualTo("'orders' in vhost 'dev'");
        // every other byte is _XX, so the vhost part never holds a dot
        String qualified = VhostNames.qualify("team.eu_1/é", "q");
        assertThat(qualified).isEqualTo("vhost.team_2Eeu_5F1_2F_C3_A9.q").matches("[a-zA-Z0-9._-]+");
        assertThat(VhostNames.vhostOf(qualified)).isEqualTo("team.eu_1/é");
        assertThat(VhostNames.localName(qualified)).isEqualTo("q");
    }

    @Test
    void aVhostsDefaultExchangeIsItsEmptyName() {
        assertThat(VhostNames.qualify("dev", "")).isEqualTo("vhost.dev.");
        assertThat(VhostNames.isVhostDefaultExchange("vhost.dev.")).isTrue();
        assertThat(VhostNames.isVhostDefaultExchange("vhost.dev.x")).isFalse();
        assertThat(VhostNames.isVhostDefaultExchange("")).isFalse();
        assertThat(VhostNames.localName("vhost.dev.")).isEmpty();
    }

    @Test
    void slashMayNotTakeANameThatReadsAsAnotherVhosts() {
        assertThatThrownBy(() -> VhostNames.qualify("/", "vhost.dev.orders"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved prefix 'vhost.'");
        assertThatThrownBy(() -> VhostNames.prefix("/")).isInstanceOf(IllegalArgumentException.class);
    }
}

package io.vigil.proxy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The tree against Certificate Transparency's published test vectors, and the frontier against the tree. */
class MerkleTreeTest {

    /** The eight leaves of CT's merkle_tree_test.cc. */
    private static final List<byte[]> LEAVES = List.of(
            hex(""),
            hex("00"),
            hex("10"),
            hex("2021"),
            hex("3031"),
            hex("40414243"),
            hex("5051525354555657"),
            hex("606162636465666768696a6b6c6d6e6f"));

    @ParameterizedTest(name = "{0} leaves")
    @CsvSource({
        "0, e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "1, 6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "2, fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "3, aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "4, d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "5, 4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "6, 76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "7, ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "8, 5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    })
    void rootsMatchCertificateTransparency(int size, String expected) {
        assertThat(HexFormat.of().formatHex(MerkleTree.root(LEAVES.subList(0, size))))
                .isEqualTo(expected);
    }

    @Test
    void theFrontierGivesTheSameRootAtEverySize() {
        MerkleTree.Frontier frontier = new MerkleTree.Frontier();
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] leaf = ("leaf " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            leaves.add(leaf);
            frontier.append(leaf);
            assertThat(frontier.root()).isEqualTo(MerkleTree.root(leaves));
        }
        assertThat(frontier.size()).isEqualTo(300);
    }

    @Test
    void aRestoredFrontierGoesOnAsIfNeverStopped() {
        MerkleTree.Frontier original = new MerkleTree.Frontier();
        for (int i = 0; i < 77; i++) {
            original.append(new byte[] {(byte) i});
            MerkleTree.Frontier restored = MerkleTree.Frontier.restore(original.size(), original.packed());
            assertThat(restored.root()).isEqualTo(original.root());
            MerkleTree.Frontier next = MerkleTree.Frontier.restore(original.size(), original.packed());
            next.append(new byte[] {(byte) 200});
            MerkleTree.Frontier reference = MerkleTree.Frontier.restore(original.size(), original.packed());
            reference.append(new byte[] {(byte) 200});
            assertThat(next.root()).isEqualTo(reference.root());
        }
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 77; i++) {
            leaves.add(new byte[] {(byte) i});
        }
        assertThat(original.root()).isEqualTo(MerkleTree.root(leaves));
    }

    @Test
    void aFrontierThatDoesNotFitItsSizeIsRefused() {
        byte[] twoHashes = new byte[64];
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MerkleTree.Frontier.restore(4, twoHashes))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(MerkleTree.Frontier.restore(3, twoHashes).size()).isEqualTo(3);
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }
}

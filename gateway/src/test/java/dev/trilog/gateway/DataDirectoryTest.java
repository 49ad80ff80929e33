package dev.trilog.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void createsAMissingDirectoryAndItsParents() {
        Path data = dir.resolve("a/b/data");

        DataDirectory.prepare(data);

        assertThat(data).isDirectory().isEmptyDirectory();
    }

    @Test
    void aFileWhereTheDirectoryShouldBeIsNamed() throws IOException {
        Path file = Files.createFile(dir.resolve("data"));

        assertThatThrownBy(() -> DataDirectory.prepare(file))
                .isInstanceOf(StartupException.class)
                .hasMessage("data.dir " + file + " exists but is not a directory");
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsNamed() throws IOException {
        Path underAFile = Files.createFile(dir.resolve("file")).resolve("data");

        assertThatThrownBy(() -> DataDirectory.prepare(underAFile))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("cannot create data.dir " + underAFile + ": ");
    }
}

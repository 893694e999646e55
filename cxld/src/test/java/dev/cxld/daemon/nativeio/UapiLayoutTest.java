package dev.cxld.daemon.nativeio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cxld.daemon.testing.Processes;
import static dev.cxld.daemon.testing.Prerequisites.require;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The struct offsets and ioctl numbers MemdevDevice writes by hand are those of the kernel's own
 * header: a C probe compiled here against {@code <linux/cxl_mem.h>} prints sizeof/offsetof and the
 * ioctl macros. Needs gcc and linux-libc-dev (test/install-deps installs both).
 */
class UapiLayoutTest {
    static final String PROBE = """
            #include <stdio.h>
            #include <stddef.h>
            #include <sys/ioctl.h>
            #include <linux/cxl_mem.h>
            int main(void) {
                printf("QUERY_COMMANDS %lu\\n", (unsigned long) CXL_MEM_QUERY_COMMANDS);
                printf("SEND_COMMAND %lu\\n", (unsigned long) CXL_MEM_SEND_COMMAND);
                printf("INFO_SIZE %zu\\n", sizeof(struct cxl_command_info));
                printf("QUERY_HEADER %zu\\n", offsetof(struct cxl_mem_query_commands, commands));
                printf("SEND_SIZE %zu\\n", sizeof(struct cxl_send_command));
                printf("SEND_ID %zu\\n", offsetof(struct cxl_send_command, id));
                printf("SEND_FLAGS %zu\\n", offsetof(struct cxl_send_command, flags));
                printf("SEND_RAW_OPCODE %zu\\n", offsetof(struct cxl_send_command, raw.opcode));
                printf("SEND_RETVAL %zu\\n", offsetof(struct cxl_send_command, retval));
                printf("SEND_IN_SIZE %zu\\n", offsetof(struct cxl_send_command, in.size));
                printf("SEND_IN_PAYLOAD %zu\\n", offsetof(struct cxl_send_command, in.payload));
                printf("SEND_OUT_SIZE %zu\\n", offsetof(struct cxl_send_command, out.size));
                printf("SEND_OUT_PAYLOAD %zu\\n", offsetof(struct cxl_send_command, out.payload));
                printf("CMD_IDENTIFY %d\\n", CXL_MEM_COMMAND_ID_IDENTIFY);
                printf("CMD_GET_LSA %d\\n", CXL_MEM_COMMAND_ID_GET_LSA);
                printf("CMD_SET_LSA %d\\n", CXL_MEM_COMMAND_ID_SET_LSA);
                printf("CMD_GET_HEALTH_INFO %d\\n", CXL_MEM_COMMAND_ID_GET_HEALTH_INFO);
                printf("CMD_GET_SCAN_MEDIA %d\\n", CXL_MEM_COMMAND_ID_GET_SCAN_MEDIA);
                return 0;
            }
            """;

    @TempDir Path tmp;

    @Test
    void offsetsAndIoctlNumbersMatchTheKernelHeader() throws Exception {
        require(new File("/usr/bin/gcc").canExecute(), "needs gcc (test/install-deps installs it)");
        require(new File("/usr/include/linux/cxl_mem.h").exists(), "needs linux-libc-dev's linux/cxl_mem.h");
        Files.writeString(tmp.resolve("probe.c"), PROBE);
        Processes.run("gcc", "-o", tmp.resolve("probe").toString(), tmp.resolve("probe.c").toString());
        Map<String, Long> v = new HashMap<>();
        for (String line : Processes.run(tmp.resolve("probe").toString()).split("\n")) {
            String[] f = line.split(" ");
            v.put(f[0], Long.parseLong(f[1]));
        }
        assertThat(v.get("QUERY_COMMANDS")).isEqualTo(MemdevDevice.QUERY_COMMANDS);
        assertThat(v.get("SEND_COMMAND")).isEqualTo(MemdevDevice.SEND_COMMAND);
        assertThat(v.get("INFO_SIZE")).isEqualTo(MemdevDevice.INFO_SIZE);
        assertThat(v.get("QUERY_HEADER")).isEqualTo(MemdevDevice.QUERY_HEADER);
        assertThat(v.get("SEND_SIZE")).isEqualTo(MemdevDevice.SEND_SIZE);
        assertThat(v.get("SEND_ID")).isEqualTo(MemdevDevice.SEND_ID);
        assertThat(v.get("SEND_FLAGS")).isEqualTo(MemdevDevice.SEND_FLAGS);
        assertThat(v.get("SEND_RAW_OPCODE")).isEqualTo(MemdevDevice.SEND_RAW_OPCODE);
        assertThat(v.get("SEND_RETVAL")).isEqualTo(MemdevDevice.SEND_RETVAL);
        assertThat(v.get("SEND_IN_SIZE")).isEqualTo(MemdevDevice.SEND_IN_SIZE);
        assertThat(v.get("SEND_IN_PAYLOAD")).isEqualTo(MemdevDevice.SEND_IN_PAYLOAD);
        assertThat(v.get("SEND_OUT_SIZE")).isEqualTo(MemdevDevice.SEND_OUT_SIZE);
        assertThat(v.get("SEND_OUT_PAYLOAD")).isEqualTo(MemdevDevice.SEND_OUT_PAYLOAD);
        assertThat(v.get("CMD_IDENTIFY")).isEqualTo(dev.cxld.daemon.mailbox.CommandId.IDENTIFY.id);
        assertThat(v.get("CMD_GET_LSA")).isEqualTo(dev.cxld.daemon.mailbox.CommandId.GET_LSA.id);
        assertThat(v.get("CMD_SET_LSA")).isEqualTo(dev.cxld.daemon.mailbox.CommandId.SET_LSA.id);
        assertThat(v.get("CMD_GET_HEALTH_INFO")).isEqualTo(dev.cxld.daemon.mailbox.CommandId.GET_HEALTH_INFO.id);
        assertThat(v.get("CMD_GET_SCAN_MEDIA")).isEqualTo(dev.cxld.daemon.mailbox.CommandId.DEPRECATED_GET_SCAN_MEDIA.id);
    }

}

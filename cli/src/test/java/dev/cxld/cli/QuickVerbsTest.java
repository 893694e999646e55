package dev.cxld.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The quick reader of ndctl's busiest verbs ({@link QuickVerbs}) reads every command line it takes
 * as picocli reads it into the same command, and leaves to picocli every one it should not take.
 */
class QuickVerbsTest {
    static final List<String> TAKEN = List.of(
            "create-region -d decoder0.0 -m mem0 mem1 -w 2 -g 4096 -t ram",
            "create-region -d decoder0.4",
            "create-region --decoder=decoder0.2 -t pmem -s 256M -m mem3",
            "create-region -ddecoder0.2 -mQu --uuid 0b7a5a4e-2d16-4b41-8f2a-1f0f1c2a3b4c mem2",
            "create-region -d decoder0.3 --debug --size 512M mem0,mem1",
            "destroy-region -f -b cxl_test all",
            "destroy-region region3 region4 --force",
            "enable-region --bus=cxl_test region1",
            "disable-region -d decoder0.1 -f 2",
            "enable-memdev mem0 mem1",
            "disable-memdev --force mem2",
            "disable-memdev -fS 0x10 -b root0",
            "enable-memdev --json -v all",
            "disable-port port2 --force",
            "disable-port -ef endpoint5",
            "enable-port -m port1",
            "enable-port --enable-memdevs --endpoint 7 --debug",
            "disable-bus -f root0");

    static final List<String> LEFT = List.of(
            "create-region --help",
            "destroy-region",
            "destroy-region -x region1",
            "destroy-region -f -f region1",
            "create-region -d -m mem0",
            "create-region -d decoder0.0 -d decoder0.1",
            "disable-port --force=yes port1",
            "enable-region -- region1",
            "list -M");

    @Test
    void readsWhatItTakesAsPicocliReadsIt() {
        for (String line : TAKEN) {
            String[] args = line.split(" ");
            NdctlEngine.Opts quick = QuickVerbs.parse(args[0], args, 1);
            assertThat(quick).as(line).isNotNull();
            CommandLine cl = CxlCtl.commandLine(new CxlCtl(), args);
            CommandLine.ParseResult pr = cl.parseArgs(args);
            NdctlEngine.Verb cmd = (NdctlEngine.Verb) pr.subcommand().commandSpec().userObject();
            NdctlEngine.Opts slow = cmd.opts();
            assertThat(cmd.verb()).isEqualTo(args[0]);
            assertThat(Map.copyOf(quick.values())).as(line).isEqualTo(Map.copyOf(slow.values()));
            assertThat(java.util.Set.copyOf(quick.flags())).as(line).isEqualTo(java.util.Set.copyOf(slow.flags()));
            assertThat(quick.args()).as(line).isEqualTo(slow.args() == null ? List.of() : slow.args());
        }
    }

    @Test
    void leavesToPicocliWhatItShouldNotTake() {
        for (String line : LEFT) {
            String[] args = line.split(" ");
            assertThat(QuickVerbs.parse(args[0], args, 1)).as(line).isNull();
        }
    }

    @Test
    void miniJsonReadsWhatCxldWrites() {
        Object v = MiniJson.parse("{\"id\":1,\"ok\":true,\"result\":[{\"memdev\":\"mem0\",\"ram_size\":268435456,"
                + "\"serial\":18446744073709551615,\"ok\":false,\"none\":null,\"s\":\"a\\\"b\\\\c\\u00e9\\n\"}]}");
        Map<String, Object> m = MiniJson.map(v);
        Map<String, Object> first = MiniJson.map(MiniJson.list(m.get("result")).get(0));
        assertThat(MiniJson.flag(m, "ok")).isTrue();
        assertThat(MiniJson.text(first, "memdev")).isEqualTo("mem0");
        assertThat(MiniJson.number(first, "ram_size", -1)).isEqualTo(268435456L);
        assertThat(first.get("serial")).as("beyond a long: its text").isEqualTo("18446744073709551615");
        assertThat(first.get("none")).isNull();
        assertThat(MiniJson.text(first, "s")).isEqualTo("a\"b\\c\u00e9\n");
        assertThat(new MiniJson.Obj().put("a", "x\"y").put("n", 3).put("skip", null).put("l", List.of("m0", "m1"))
                .put("o", new MiniJson.Obj().put("t", true)).toString())
                .isEqualTo("{\"a\":\"x\\\"y\",\"n\":3,\"l\":[\"m0\",\"m1\"],\"o\":{\"t\":true}}");
    }
}

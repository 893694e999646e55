package dev.cxld.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Run by {@code mvn package} (cli/pom.xml): writes the man pages and shell completion of cxlctl
 * and cxld from their picocli models, so they say exactly what {@code --help} says.
 * <ul>
 *   <li>{@code man/cxlctl.1}, one {@code man/cxlctl-VERB.1} per verb (as ndctl's cxl-list(1)), {@code man/cxld.8};</li>
 *   <li>{@code completion/cxlctl} (bash, picocli's script) and {@code completion/_cxlctl} (zsh, the same
 *       script through zsh's bashcompinit).</li>
 * </ul>
 * Usage: {@code BuildDocs OUTDIR VERSION}.
 */
public final class BuildDocs {
    private BuildDocs() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        String version = args.length > 1 ? args[1] : "";
        String date = System.getenv().getOrDefault("SOURCE_DATE", LocalDate.now(ZoneOffset.UTC).toString());
        Path man = Files.createDirectories(out.resolve("man"));
        Path completion = Files.createDirectories(out.resolve("completion"));
        CommandLine cxlctl = CxlCtl.commandLine(new CxlCtl());
        List<String> verbs = new ArrayList<>();
        for (Map.Entry<String, CommandLine> e : cxlctl.getSubcommands().entrySet()) {
            if (e.getValue().getCommandSpec().usageMessage().hidden()) {
                continue;
            }
            verbs.add(e.getKey());
            write(man.resolve("cxlctl-" + e.getKey() + ".1"), page(e.getValue().getCommandSpec(),
                    "cxlctl-" + e.getKey(), 1, date, version, List.of("cxlctl(1)", "cxld(8)")));
        }
        write(man.resolve("cxlctl.1"), page(cxlctl.getCommandSpec(), "cxlctl", 1, date, version,
                seeAlso(verbs)));
        CommandLine cxld = dev.cxld.daemon.Main.commandLine();
        write(man.resolve("cxld.8"), page(cxld.getCommandSpec(), "cxld", 8, date, version,
                List.of("cxlctl(1)", "systemd.service(5)", "cxl(1)")));
        String bash = AutoComplete.bash("cxlctl", cxlctl);
        write(completion.resolve("cxlctl"), bash);
        write(completion.resolve("_cxlctl"), "#compdef cxlctl\n"
                + "# zsh completion for cxlctl: picocli's generated script, which serves bash and zsh alike\n"
                + "# (through zsh's bashcompinit), from the bash-completion directory.\n"
                + "autoload -U +X bashcompinit && bashcompinit\n"
                + "source /usr/share/bash-completion/completions/cxlctl\n"
                + "_bash_complete -F _complete_cxlctl \"$@\"\n");
        System.out.println("build-docs: wrote " + (verbs.size() + 2) + " man pages and 2 completion scripts under " + out);
    }

    private static List<String> seeAlso(List<String> verbs) {
        List<String> out = verbs.stream().map(v -> "cxlctl-" + v + "(1)").collect(Collectors.toList());
        out.add("cxld(8)");
        out.add("cxl(1)");
        return out;
    }

    /** Writes {@code p}, and beside a man page its gzip for the Debian package (whose policy wants them so). */
    private static void write(Path p, String text) throws IOException {
        Files.writeString(p, text, StandardCharsets.UTF_8);
        if (p.getParent().getFileName().toString().equals("man")) {
            Path gz = Files.createDirectories(p.getParent().resolveSibling("man-gz")).resolve(p.getFileName() + ".gz");
            try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
                z.write(text.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** One man(7) page of {@code spec}: name, synopsis, description, options, commands, see also. */
    static String page(CommandSpec spec, String name, int section, String date, String version, List<String> seeAlso) {
        StringBuilder b = new StringBuilder();
        b.append(".\\\" generated from the picocli model by cli/src/test/java/dev/cxld/cli/BuildDocs.java\n");
        b.append(".TH ").append(name.toUpperCase(java.util.Locale.ROOT)).append(' ').append(section).append(" \"")
                .append(date).append("\" \"cxld ").append(version).append("\" \"cxld manual\"\n");
        String[] desc = spec.usageMessage().description();
        String summary = desc.length == 0 ? "" : firstSentence(text(desc[0]));
        b.append(".SH NAME\n").append(escape(name)).append(" \\- ").append(escape(summary)).append('\n');
        CommandLine.Help help = new CommandLine.Help(spec, new CommandLine.Help.ColorScheme.Builder(
                CommandLine.Help.Ansi.OFF).build());
        b.append(".SH SYNOPSIS\n.nf\n").append(escape(help.synopsis(0).stripTrailing())).append("\n.fi\n");
        if (desc.length > 0) {
            b.append(".SH DESCRIPTION\n");
            for (String d : desc) {
                paragraphs(b, text(d));
            }
        }
        section(b, spec, "OPTIONS");
        if (!spec.subcommands().isEmpty()) {
            b.append(".SH COMMANDS\n");
            for (Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
                CommandSpec sub = e.getValue().getCommandSpec();
                if (sub.usageMessage().hidden() || !e.getKey().equals(sub.name())) {
                    continue; // an alias is listed with its command
                }
                b.append(".TP\n.B ").append(escape(e.getKey())).append('\n');
                String[] d = sub.usageMessage().description();
                b.append(escape(d.length == 0 ? "" : text(d[0]).lines().collect(Collectors.joining(" ")))).append('\n');
                if (sub.subcommands().isEmpty() && name.contains("-")) {
                    continue;
                }
                if (!sub.subcommands().isEmpty() || !sub.options().isEmpty()) {
                    section(b, sub, null);
                }
            }
        }
        String[] footer = spec.usageMessage().footer();
        if (footer.length > 0) {
            b.append(".SH NOTES\n");
            for (String f : footer) {
                paragraphs(b, text(f));
            }
        }
        if (!seeAlso.isEmpty()) {
            b.append(".SH SEE ALSO\n").append(seeAlso.stream().map(s -> {
                int paren = s.indexOf('(');
                return ".BR " + escape(s.substring(0, paren)) + " " + s.substring(paren);
            }).collect(Collectors.joining(" ,\n"))).append('\n');
        }
        return b.toString();
    }

    private static void section(StringBuilder b, CommandSpec spec, String title) {
        List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden()).collect(Collectors.toList());
        List<PositionalParamSpec> params = spec.positionalParameters().stream().filter(p -> !p.hidden())
                .collect(Collectors.toList());
        if (options.isEmpty() && params.isEmpty()) {
            return;
        }
        if (title != null) {
            b.append(".SH ").append(title).append('\n');
        } else {
            b.append(".RS\n");
        }
        for (PositionalParamSpec p : params) {
            b.append(".TP\n.I ").append(escape(p.paramLabel())).append('\n')
                    .append(escape(text(String.join(" ", p.description())))).append('\n');
        }
        for (OptionSpec o : options) {
            b.append(".TP\n");
            List<String> names = new ArrayList<>();
            for (String n : o.names()) {
                names.add("\\fB" + escape(n) + "\\fR");
            }
            b.append(String.join(", ", names));
            if (o.arity().max() > 0 && !o.typeInfo().isBoolean()) {
                b.append(" \\fI").append(escape(o.paramLabel())).append("\\fR");
            }
            b.append('\n').append(escape(text(String.join(" ", o.description())))).append('\n');
        }
        if (title == null) {
            b.append(".RE\n");
        }
    }

    private static void paragraphs(StringBuilder b, String text) {
        for (String para : text.split("\n\\s*\n")) {
            if (!para.isBlank()) {
                b.append(".PP\n").append(escape(para.strip())).append('\n');
            }
        }
    }

    /** picocli's format specifiers (%n line breaks, %% percent) as plain text. */
    private static String text(String s) {
        return s.replace("%n", "\n").replace("%%", "%");
    }

    private static String firstSentence(String s) {
        String one = s.lines().findFirst().orElse("");
        int dot = one.indexOf(". ");
        return dot > 0 ? one.substring(0, dot) : one.endsWith(".") ? one.substring(0, one.length() - 1) : one;
    }

    /** Escapes roff: backslashes, hyphens, and a leading dot or quote on any line. */
    static String escape(String s) {
        String e = s.replace("\\", "\\e").replace("-", "\\-");
        return e.lines().map(l -> l.startsWith(".") || l.startsWith("'") ? "\\&" + l : l)
                .collect(Collectors.joining("\n"));
    }
}

package dev.cxld.cli;

/**
 * cxlctl's entry point (the jar's Main-Class). It touches nothing of picocli's command tree until
 * the call needs it: {@link CxlCtl}'s class initialization loads every subcommand class, which
 * costs a guest under software emulation tens of milliseconds that the {@link QuickCall quick
 * path} and the {@link QuickVerbs engine verbs} never use.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        QuickCall quick = QuickCall.of(args, System.getenv(), System.out, System.err);
        if (quick != null) {
            System.exit(quick.run());
        }
        Integer verb = QuickVerbs.run(args, System.getenv(), System.out, System.err);
        System.exit(verb != null ? verb : CxlCtl.execute(args));
    }
}

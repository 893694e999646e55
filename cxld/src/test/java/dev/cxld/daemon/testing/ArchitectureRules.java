package dev.cxld.daemon.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.cxld.protocol.Numbers;
import java.util.Set;

/** Rules both the daemon's and the CLI's architecture tests hold their main classes to. */
public final class ArchitectureRules {
    private ArchitectureRules() {}

    private static final Set<String> NUMBER_TYPES = Set.of(Long.class.getName(), Integer.class.getName(),
            Short.class.getName(), Byte.class.getName());

    /** Long.parseLong, Integer.parseInt, Long.decode, Long.valueOf(String), ... : calls and method references. */
    static final DescribedPredicate<JavaAccess<?>> PARSES_A_NUMBER = new DescribedPredicate<>(
            "parses a number from text (Long.parseLong, Integer.parseInt, Long.decode, valueOf(String), ...)") {
        @Override
        public boolean test(JavaAccess<?> access) {
            AccessTarget t = access.getTarget();
            if (!NUMBER_TYPES.contains(t.getOwner().getName())) {
                return false;
            }
            String n = t.getName();
            if (n.startsWith("parse") || n.equals("decode")) {
                return true;
            }
            return n.equals("valueOf") && t instanceof AccessTarget.CodeUnitAccessTarget c
                    && c.getRawParameterTypes().stream().anyMatch(p -> p.isEquivalentTo(String.class));
        }
    };

    /** Text becomes a number only in {@link Numbers}, the one value parser. */
    public static ArchRule numbersAreParsedOnlyByTheValueParser() {
        return noClasses().that().doNotBelongToAnyOf(Numbers.class)
                .should().accessTargetWhere(PARSES_A_NUMBER)
                .because("every number read from text goes through dev.cxld.protocol.Numbers");
    }

    /** Only a {@code main} method ends the process. */
    public static ArchRule onlyMainExits() {
        return com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes()
                .should(new ArchCondition<JavaClass>("call System.exit only from main") {
                    @Override
                    public void check(JavaClass c, ConditionEvents events) {
                        for (JavaMethodCall call : c.getMethodCallsFromSelf()) {
                            if (call.getTarget().getOwner().isEquivalentTo(System.class)
                                    && call.getTarget().getName().equals("exit")
                                    && !call.getOrigin().getName().equals("main")) {
                                events.add(SimpleConditionEvent.violated(call, call.getDescription()));
                            }
                        }
                    }
                });
    }
}

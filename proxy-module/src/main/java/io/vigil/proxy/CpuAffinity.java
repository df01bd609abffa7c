package io.vigil.proxy;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * Which CPUs a thread may run on, through Linux's {@code sched_getaffinity} and
 * {@code sched_setaffinity} (pid 0: the calling thread). Used to give each event loop a CPU of its
 * own, as nginx's {@code worker_cpu_affinity} does: left to the scheduler, two loops on two cores
 * often share one while PostgreSQL and the clients take the other.
 */
@SuppressWarnings("restricted") // native access is the point; the JVM runs with --enable-native-access
final class CpuAffinity {

    /** A cpu_set_t: 1,024 CPUs, one bit each. */
    private static final int SET_BYTES = 128;

    private static final MethodHandle GET;
    private static final MethodHandle SET;

    static {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        FunctionDescriptor call = FunctionDescriptor.of(
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS);
        GET = libc.find("sched_getaffinity")
                .map(f -> linker.downcallHandle(f, call))
                .orElse(null);
        SET = libc.find("sched_setaffinity")
                .map(f -> linker.downcallHandle(f, call))
                .orElse(null);
    }

    private CpuAffinity() {}

    /** The CPUs the calling thread may run on, lowest first; empty where this cannot be asked. */
    static List<Integer> allowed() {
        if (GET == null) {
            return List.of();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(SET_BYTES);
            if ((int) GET.invokeExact(0, (long) SET_BYTES, set) != 0) {
                return List.of();
            }
            List<Integer> cpus = new ArrayList<>();
            for (int cpu = 0; cpu < SET_BYTES * 8; cpu++) {
                if ((set.get(ValueLayout.JAVA_BYTE, cpu / 8) & (1 << (cpu % 8))) != 0) {
                    cpus.add(cpu);
                }
            }
            return List.copyOf(cpus);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            return List.of();
        }
    }

    /** Lets the calling thread run only on {@code cpu}; false if the system refused. */
    static boolean pinCurrentThread(int cpu) {
        if (SET == null || cpu < 0 || cpu >= SET_BYTES * 8) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(SET_BYTES); // zeroed
            set.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            return (int) SET.invokeExact(0, (long) SET_BYTES, set) == 0;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            return false;
        }
    }
}

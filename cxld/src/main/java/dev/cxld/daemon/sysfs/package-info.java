/**
 * Every read and write of sysfs (and tracefs), under an injected root: the topology reader
 * ({@code CxlSysfs}, {@code DeviceDir}), single attributes that services read and write
 * ({@code SysfsAttributes}: names checked before a path is built, one write(2) per value), cxld's
 * tracefs instance ({@code TracefsInstance}), and the sysfs value rules ({@code SysfsValues}).
 */
package dev.cxld.daemon.sysfs;

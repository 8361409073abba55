@echo off
rem voicechat: runs the command line from this distribution's lib\ directory.
rem   JAVA_HOME   the Java to use (17 or later); otherwise java.exe on the PATH
rem   JAVA_OPTS   more JVM options, e.g. set JAVA_OPTS=-Xmx2g
rem Supported platform: linux-x86_64 (see README.txt); elsewhere the command line says at start what cannot run.
setlocal
set "VOICECHAT_HOME=%~dp0.."

if defined JAVA_HOME (
  set "JAVA_EXE=%JAVA_HOME%\bin\java.exe"
) else (
  set "JAVA_EXE=java.exe"
)
"%JAVA_EXE%" -version >nul 2>&1
if errorlevel 1 (
  echo voicechat: no Java found; install Java 17 or later or set JAVA_HOME 1>&2
  exit /b 3
)

rem Sphinx4 and FreeTTS spend far less time in GC with the parallel collector (see the README's engine notes).
"%JAVA_EXE%" -XX:+UseParallelGC %JAVA_OPTS% -cp "%VOICECHAT_HOME%\lib\*" io.github.voicechat.examples.VoicechatCli %*
exit /b %ERRORLEVEL%

import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import { checkCredentials } from "./credentials";
import { clientIp } from "./sign-in-throttle";
import { signInThrottle } from "./throttles";
import { revokeSessions } from "./session-version";

export const signInSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid email address."),
  password: z.string().min(1, "Enter your password.").max(200),
});

/**
 * Auth.js v5: email + password (bcrypt) with JWT sessions. The session carries the user id and the
 * user's `session_version` at sign-in (`sv`), checked against the database on every request
 * (lib/auth/session → session-version); sign-out bumps it, so a captured cookie dies with the session.
 * Roles are read from the database on every request by lib/auth/guards.
 */
export const { handlers, auth, signIn, signOut } = NextAuth({
  secret: env().AUTH_SECRET,
  trustHost: true,
  session: { strategy: "jwt" },
  pages: { signIn: "/sign-in" },
  providers: [
    Credentials({
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, request) {
        const parsed = signInSchema.safeParse(raw);
        if (!parsed.success) throw new CredentialsSignin();
        // throttled per account and IP, constant time for unknown emails (lib/auth/credentials)
        const r = await checkCredentials(getDb(), signInThrottle(), { ...parsed.data, ip: clientIp(request.headers) });
        if (!r.ok) throw new CredentialsSignin();
        return r.user;
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) {
        token.sub = user.id;
        token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
      }
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      (session as { sessionVersion?: number }).sessionVersion = typeof token.sv === "number" ? token.sv : 0;
      return session;
    },
  },
  events: {
    // POST /api/auth/signout and the server-side signOut(): end every session of the user, not just this cookie
    async signOut(message) {
      const sub = "token" in message ? message.token?.sub : undefined;
      if (sub) await revokeSessions(getDb(), sub);
    },
  },
});

// The navigation, computed per user so templates only loop and print.
import type { FastifyRequest } from 'fastify'

export type NavItem = { href: string; label: string; current: boolean }

export function navFor(request: FastifyRequest): NavItem[] {
  const user = request.user
  if (!user) return []
  const path = request.url.split('?')[0] ?? '/'
  const items: [string, string][] = [
    ['/', 'Dashboard'],
    ['/board', 'Board'],
    ['/locals', 'Locals'],
    ['/resolutions', 'Resolutions'],
  ]
  if (user.isAdmin || (!user.isNational && user.chapters.length > 0)) items.splice(3, 0, ['/people', 'People'])
  if (user.chapters.length > 0) items.splice(1, 0, ['/my-list', 'My list'])
  items.push(['/slates/current', 'Slate'])
  items.push(['/mapping', 'Mapping'])
  if (user.isAdmin || user.isNational || user.chapters.some((c) => c.role === 'organizer'))
    items.push(['/review', 'Review'])
  if (user.isAdmin || user.chapters.some((c) => c.role === 'organizer')) items.push(['/trash', 'Trash'])
  if (user.isAdmin) items.push(['/audit', 'Audit'], ['/admin', 'Admin'])
  return items.map(([href, label]) => ({ href, label, current: href === '/' ? path === '/' : path.startsWith(href) }))
}

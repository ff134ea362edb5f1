{{/* The image of a component: the global registry wins over the component's own. */}}
{{- define "shop.image" -}}
{{- $registry := .image.registry -}}
{{- if .global.imageRegistry }}{{ $registry = .global.imageRegistry }}{{ end -}}
{{ $registry }}/{{ .image.repository }}:{{ .image.tag | default .appVersion }}
{{- end -}}

{{- define "shop.image" -}}
{{- $registry := .image.registry -}}
{{- if .global.imageRegistry }}{{ $registry = .global.imageRegistry }}{{ end -}}
{{- $tag := .image.tag | default .chart.AppVersion | toString -}}
{{- printf "%s/%s:%s" $registry .image.repository $tag -}}
{{- end -}}

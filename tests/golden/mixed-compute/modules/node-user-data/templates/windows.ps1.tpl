<powershell>
${body}
</powershell>
